from django.urls import path

from . import views

app_name = "layers"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("search", views.map_search_view, name="map_search"),
    path("history/<str:layer>/<int:tucbs_no>/", views.feature_history, name="feature_history"),
    path("form/<str:layer>/", views.feature_form, name="feature_form"),
    path("export/", views.export_view, name="export"),
    path("metadata/<str:layer>.xml", views.metadata_view, name="metadata"),
]
