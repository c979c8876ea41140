from django.urls import path

from . import import_views, print_views, views

app_name = "layers"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("search", views.map_search_view, name="map_search"),
    path("print/", print_views.print_view, name="map_print"),
    path("history/<str:layer>/<int:tucbs_no>/", views.feature_history, name="feature_history"),
    path("form/<str:layer>/", views.feature_form, name="feature_form"),
    path("export/", views.export_view, name="export"),
    path("metadata/<str:layer>.xml", views.metadata_view, name="metadata"),
    path("metadata/<str:layer>/", views.metadata_edit, name="metadata_edit"),
    path("import/", import_views.import_list, name="import_list"),
    path("import/<uuid:job_id>/", import_views.import_detail, name="import_detail"),
    path("import/<uuid:job_id>/status", import_views.import_status, name="import_status"),
    path("import/<uuid:job_id>/preview.geojson", import_views.import_preview, name="import_preview"),
    path("import/<uuid:job_id>/report.csv", import_views.import_report, name="import_report"),
]
