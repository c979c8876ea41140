from django.urls import path

from . import api, views

app_name = "field"

urlpatterns = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("api/config", api.config, name="config"),
    path("api/versions", api.versions, name="versions"),
    path("api/tiles", api.tiles, name="tiles"),
    path("api/changes", api.changes, name="changes"),
    path("api/photos", api.photos, name="photos"),
    path("photos/<uuid:photo_id>", views.photo_file, name="photo_file"),
]
