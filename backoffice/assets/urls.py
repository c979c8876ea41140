from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("", views.search, name="search"),
    path("map/", views.asset_map, name="map"),
    path("holdings/", views.holdings, name="holdings"),
    path("expiring/", views.expiring, name="expiring"),
    path("item/<int:pk>/", views.item, name="item"),
    path("api/near", views.api_near, name="api_near"),
    path("api/cameras-seeing", views.api_cameras_seeing, name="api_cameras_seeing"),
    path("api/outage", views.api_outage, name="api_outage"),
    path("api/sectors", views.api_sectors, name="api_sectors"),
    path("<str:kind>/<int:key>/", views.asset, name="asset"),
    path("<str:kind>/<int:key>/maintenance", views.maintenance_add, name="maintenance_add"),
]
