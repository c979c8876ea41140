"""A worker killed while it writes: the layer is all-old, the job ends failed, never "running"."""

import os
import signal
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from layers.export import export_layer
from layers.imports import areas, jobs
from layers.models import Bina, ImportJob, ImportStatus
from layers.registry import get_layer


def test_kill_during_the_write_leaves_the_layer_all_old(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        before = dict(Bina.objects.values_list("tucbs_no", "version"))
        data, name = export_layer(get_layer("bi-bina"), "gpkg", 5254)
        job = jobs.job_create(user=None, layer_name="bi-bina", upload=ContentFile(data, name=name))
        job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
        job = jobs.run(job.pk, "check")
        assert job.status == ImportStatus.CHECKED and job.rejected == 0, job.message
        jobs.start(job=job, user=None, phase="write")
        deadline = time.monotonic() + 60
        while True:  # kill it in the middle of its transaction (rows updated, audit being written)
            state = ImportJob.objects.values("status", "progress", "worker_pid").get(pk=job.pk)
            if state["status"] == ImportStatus.WRITING and state["progress"] >= 20 and state["worker_pid"]:
                break
            assert state["status"] != ImportStatus.DONE, "the write finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.killpg(state["worker_pid"], signal.SIGKILL)
        os.waitpid(state["worker_pid"], 0)
        with translation.override("en"):
            assert jobs.reap() == 1
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and "interrupted" in job.message
        assert dict(Bina.objects.values_list("tucbs_no", "version")) == before
        assert not ImportJob.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.WRITING]).exists()
        job.delete()


def test_a_background_check_finishes_and_is_cancelled(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data, name = export_layer(get_layer("kh-hizmet"), "geojson", 5254)
        job = jobs.job_create(user=None, layer_name="kh-hizmet", upload=ContentFile(data, name=name))
        job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
        jobs.start(job=job, user=None, phase="check")
        deadline = time.monotonic() + 60
        while ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKING:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        job.refresh_from_db()
        assert job.status == ImportStatus.CHECKED and job.progress == 100 and job.total > 0, job.message
        jobs.cancel(job=job, user=None)
        assert not jobs.uploads.job_folder(job.pk).exists()
        assert not default_storage.exists(jobs.uploads.stored_prefix(job.pk))
        job.delete()
