"""Imports on several hosts (issue 16.3): the uploaded file is kept in the shared storage, so the
host that received it, the host that serves the next request and the worker that checks and writes
it need not be the same; GDAL gets a local path (a copy when the storage has no local paths)."""

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from layers.export import export_layer
from layers.imports import areas, jobs
from layers.models import ImportJob, ImportStatus, KamuHizmeti
from layers.registry import get_layer
from tests.conftest import url_of_the_test_database


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def one_service(name: str) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [28.9003, 41.0003]},
        "properties": {"adi": name, "hizmetTipi": "diger"}}]}).encode()


def stored_files(job) -> list[str]:
    """The job's files in the shared storage."""
    try:
        return sorted(default_storage.listdir(f"imports/{job.pk}")[1])
    except FileNotFoundError:  # a folder storage's folder is removed with its last file
        return []


def test_an_import_uploaded_on_one_host_is_checked_and_written_on_others(db, client, hosts, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("imp", "i@example.org", "x-pass-123"))
    hosts.switch("host-1")  # receives the upload
    response = client.post(reverse("layers:import_list"), {
        "layer": "kh-hizmet", "file": SimpleUploadedFile("yeni hizmet.geojson", one_service("Paylaşılan Dosya"))})
    job = ImportJob.objects.get(original_name="yeni hizmet.geojson")
    assert response.status_code == 302 and job.status == ImportStatus.UPLOADED
    assert stored_files(job) == ["source.geojson"]
    assert hosts.local_files("host-1") == []  # nothing of the job stays on the receiving host
    hosts.switch("host-2")  # the settings page is answered by another host
    client.post(reverse("layers:import_detail", args=[job.pk]), {
        "action": "save", "srid": "4326", "mode": "append", "map_adi": "adi", "map_hizmetTipi": "hizmetTipi"})
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED and job.attempt == 1, job.message
    hosts.switch("host-3")  # the worker checks and writes
    job = jobs.run(job.pk, "check")
    assert (job.status, job.total, job.accepted) == (ImportStatus.CHECKED, 1, 1), job.message
    job = jobs.run(job.pk, "write")
    assert job.status == ImportStatus.DONE, job.message
    assert KamuHizmeti.objects.filter(adi="Paylaşılan Dosya").count() == 1
    assert stored_files(job) == []  # written: the file is removed everywhere
    assert hosts.local_files("host-3") == []


def test_a_worker_process_with_its_own_disk_checks_an_upload_received_elsewhere(
        django_db_setup, django_db_blocker, hosts):
    """A real second process (the worker), its local folders on its own, the shared storage common."""
    with django_db_blocker.unblock():
        hosts.switch("host-1")
        data, name = export_layer(get_layer("kh-hizmet"), "geojson", 5254)
        job = jobs.job_create(user=None, layer_name="kh-hizmet", upload=ContentFile(data, name=name))
        try:
            job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
            hosts.switch("host-2")
            env = {**os.environ, "DATABASE_URL": url_of_the_test_database(), "CBS_MEDIA_ROOT": str(hosts.shared),
                   **{key: str(path) for key, path in hosts.local("host-2").items()}}
            # what the queue's worker runs for a check, in a process of its own
            worker = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                                     f"from layers.imports import jobs; jobs.run('{job.pk}', 'check')"],
                                    cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True,
                                    timeout=300, check=False)
            job.refresh_from_db()
            assert job.status == ImportStatus.CHECKED, (job.message, worker.stdout, worker.stderr[-2000:])
            assert (job.total, job.rejected) == (KamuHizmeti.objects.count(), 0)
            hosts.switch("host-3")  # cancelled from yet another host: the stored file goes
            jobs.cancel(job=job, user=None)
            assert stored_files(job) == []
        finally:
            jobs.drop_staging(job, wait=False)
            jobs.uploads.remove_folder(job.pk)
            ImportJob.objects.filter(pk=job.pk).delete()


def test_a_storage_without_local_paths_is_copied_for_gdal_and_the_copy_removed(db, settings, tmp_path):
    """Object storage (S3) has no paths: the worker copies a Shapefile's parts side by side into
    its scratch folder for ogr2ogr and removes them afterwards."""
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.CBS_IMPORT_DIR = tmp_path
    data, _name = export_layer(get_layer("kh-hizmet"), "shp", 5254)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # under names of the user's choosing
        renamed = io.BytesIO()
        with zipfile.ZipFile(renamed, "w") as out:
            for info in archive.infolist():
                out.writestr("Hizmet Noktaları/hizmet" + info.filename[info.filename.rindex("."):],
                             archive.read(info))
    job = jobs.job_create(user=None, layer_name="kh-hizmet", upload=ContentFile(renamed.getvalue(), "h.zip"))
    assert stored_files(job) == [
        "source.cpg", "source.dbf", "source.prj", "source.shp", "source.shx"]
    assert list(tmp_path.iterdir()) == []
    job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
    job = jobs.run(job.pk, "check")
    assert job.status == ImportStatus.CHECKED and job.total == KamuHizmeti.objects.count(), job.message
    assert list(tmp_path.iterdir()) == []  # the local copy is gone
    jobs.cancel(job=job, user=None)
    assert stored_files(job) == []


def test_a_job_whose_file_is_gone_fails_with_a_clear_message(db, hosts):
    hosts.switch("host-1")
    job = jobs.job_create(user=None, layer_name="kh-hizmet",
                          upload=ContentFile(one_service("Kayıp"), "kayip.geojson"))
    job = jobs.job_configure(job=job, user=None, settings_={})
    default_storage.delete(f"imports/{job.pk}/source.geojson")
    job = jobs.run(job.pk, "check")
    assert job.status == ImportStatus.FAILED and "no longer there" in job.message
