from django.urls import path

from . import picker_views, views

app_name = "tickets"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.ticket_new, name="new"),
    path("mine/", views.my_work, name="mine"),
    path("map/", views.ticket_map, name="map"),
    path("api/geojson", views.api_geojson, name="api_geojson"),
    path("api/staff-items", picker_views.staff_items, name="api_staff_items"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/", views.ticket_detail, name="detail"),
]
