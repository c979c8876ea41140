from django.urls import path

from . import field_views, nearby_views, picker_views, views

app_name = "tickets"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.ticket_new, name="new"),
    path("mine/", views.my_work, name="mine"),
    path("map/", views.ticket_map, name="map"),
    path("api/geojson", views.api_geojson, name="api_geojson"),
    path("api/staff-items", picker_views.staff_items, name="api_staff_items"),
    path("api/near", nearby_views.near_me, name="api_near"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/resolve/", field_views.resolve_on_site, name="resolve_on_site"),
]
