"""Imports on the queue's real worker process (`manage.py procrastinate worker`): a worker killed
while it writes leaves the layer all-old and the import failed, never "running"; a check runs to the
end; a phase waits in the queue while no worker is there and can be cancelled."""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from procrastinate.contrib.django.models import ProcrastinateJob

from layers.export import export_layer
from layers.imports import areas, jobs
from layers.models import Bina, ImportJob, ImportStatus
from layers.registry import get_layer


def _configured(layer: str, fmt: str):
    data, name = export_layer(get_layer(layer), fmt, 5254)
    job = jobs.job_create(user=None, layer_name=layer, upload=ContentFile(data, name=name))
    return jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})


def _connections(application_name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return cursor.fetchone()[0]


@pytest.fixture
def committed_imports(django_db_setup, django_db_blocker):
    """Imports these tests commit (a worker process sees only committed rows) are removed at the end,
    whatever happened."""
    with django_db_blocker.unblock():
        before = set(ImportJob.objects.values_list("pk", flat=True))
    yield
    with django_db_blocker.unblock():
        for job in ImportJob.objects.exclude(pk__in=before):
            jobs.drop_staging(job, wait=False)
            jobs.uploads.remove_folder(job.pk)
            job.delete()


def test_kill_during_the_write_leaves_the_layer_all_old(django_db_blocker, committed_imports, queue_worker):
    with django_db_blocker.unblock():
        before = dict(Bina.objects.values_list("tucbs_no", "version"))
        job = jobs.run(_configured("bi-bina", "gpkg").pk, "check")
        assert job.status == ImportStatus.CHECKED and job.rejected == 0, job.message
        worker = queue_worker("imports")
        jobs.start(job=job, user=None, phase="write")
        deadline = time.monotonic() + 60
        while True:  # kill it in the middle of its transaction (rows updated, audit being written)
            state = ImportJob.objects.values("status", "progress", "task_id").get(pk=job.pk)
            if state["status"] == ImportStatus.WRITING and state["progress"] >= 20:
                break
            assert state["status"] != ImportStatus.DONE, "the write finished before it could be killed"
            assert time.monotonic() < deadline, worker.output()
            time.sleep(0.01)
        assert ProcrastinateJob.objects.get(pk=state["task_id"]).status == "doing"
        worker.kill()
        with translation.override("en"):
            # Nothing is "running" any more once the worker's heartbeat is overdue (3 s here).
            deadline = time.monotonic() + 30
            while not jobs.reap():
                assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.WRITING
                assert time.monotonic() < deadline
                time.sleep(0.2)
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and "interrupted" in job.message
        assert ProcrastinateJob.objects.get(pk=state["task_id"]).status == "failed"
        assert dict(Bina.objects.values_list("tucbs_no", "version")) == before
        assert not ImportJob.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.WRITING]).exists()


def test_a_background_check_finishes_and_is_cancelled(django_db_blocker, committed_imports, queue_worker):
    with django_db_blocker.unblock():
        job = _configured("kh-hizmet", "geojson")
        queue_worker("imports", CBS_DB_APPLICATION_NAME="kentcbs-test-worker")
        jobs.start(job=job, user=None, phase="check")
        deadline, held = time.monotonic() + 60, 0
        while ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKING:
            held = max(held, _connections("kentcbs-test-worker"))
            assert time.monotonic() < deadline
            time.sleep(0.05)
        job.refresh_from_db()
        assert job.status == ImportStatus.CHECKED and job.progress == 100 and job.total > 0, job.message
        while ProcrastinateJob.objects.get(pk=job.task_id).status == "doing":  # marked just after
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert ProcrastinateJob.objects.get(pk=job.task_id).status == "succeeded"
        # Bounded: its jobs' pool (2 per job, concurrency 2) + the queue's pool (2) + LISTEN.
        assert 0 < held <= 2 * 2 + 2 + 1 and _connections("kentcbs-test-worker") <= 2 * 2 + 2 + 1
        jobs.cancel(job=job, user=None)
        assert not jobs.uploads.job_folder(job.pk).exists()
        assert not default_storage.exists(jobs.uploads.stored_prefix(job.pk))
        job.delete()


def test_a_phase_waits_for_a_worker_and_can_be_taken_off_the_queue(db):
    job = _configured("kh-hizmet", "geojson")
    jobs.start(job=job, user=None, phase="check")
    job.refresh_from_db()
    queued = ProcrastinateJob.objects.get(pk=job.task_id)
    assert job.status == ImportStatus.CHECKING and queued.status == "todo" and queued.queue_name == "imports"
    assert queued.args["job_id"] == str(job.pk) and queued.args["phase"] == "check"
    jobs.reap()  # waiting is not dying: it runs when a worker is there
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKING
    jobs.cancel(job=job, user=None)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert ProcrastinateJob.objects.get(pk=queued.pk).status == "cancelled"


def test_writes_into_one_layer_queue_behind_each_other(db):
    job = jobs.run(_configured("kh-hizmet", "geojson").pk, "check")
    assert job.status == ImportStatus.CHECKED, job.message
    jobs.start(job=job, user=None, phase="write")
    job.refresh_from_db()
    assert ProcrastinateJob.objects.get(pk=job.task_id).lock == "layer-write:kh-hizmet"
    jobs.cancel(job=job, user=None)
