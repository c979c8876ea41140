from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("activity/", views.activity, name="activity"),
    path("maps/", views.maps, name="maps"),
    path("maps/<str:theme>.<str:fmt>", views.thematic_map, name="thematic_map"),
]
