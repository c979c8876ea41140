"""Reverting a finished import (issue 17.3): one transaction from the history table, refused after
a later edit, for the author or an administrator, audited, and all-or-nothing under SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cbs.audit.chain import verify
from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.history import feature_versions
from layers.imports import areas, jobs, revert
from layers.imports.report import report_csv
from layers.models import ImportStatus, KamuHizmeti, Mahalle
from layers.registry import get_layer
from layers.services import feature_update
from layers.versioning import verify_history

from .test_imports import checked, geojson, point
from tests.conftest import url_of_the_test_database

HIZMET = get_layer("kh-hizmet")


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def replace_import(user=None):
    """A replace import in the first mahalle: one stored feature updated (its tucbsNo in the file),
    one new feature created, the mahalle's other features deleted."""
    mahalle = Mahalle.objects.order_by("uavt_kodu").first()
    inside = sorted((o for o in KamuHizmeti.objects.all() if mahalle.geom.contains(o.geom)), key=lambda o: o.tucbs_no)
    assert len(inside) >= 2
    kept = inside[0]
    at = kept.geom.transform(4326, clone=True)
    centre = mahalle.geom.point_on_surface.transform(4326, clone=True)
    data = geojson([point(at.x, at.y, tucbsNo=kept.tucbs_no, adi="İçe Aktarılan Ad", hizmetTipi=kept.hizmet_tipi),
                    point(centre.x, centre.y, tucbsNo=fresh_number(), adi="Yeni Hizmet", hizmetTipi="belediye")])
    job = checked(data, "degisiklik.geojson", user=user, mode="replace",
                  area=areas.mahalle_area(str(mahalle.uavt_kodu)))
    assert job.rejected == 0, report_csv(job)
    job = jobs.run(job.pk, "write", user=user)
    assert job.status == ImportStatus.DONE, job.message
    return job, kept, inside[1:]


def fresh_number() -> int:
    from django.db.models import Max

    return (HIZMET.history.objects.aggregate(n=Max("tucbs_no"))["n"] or 0) + 1000


def state_of_layer():
    return {o.tucbs_no: (o.adi, o.hizmet_tipi, o.geom.ewkt) for o in KamuHizmeti.objects.all()}


def test_revert_takes_the_whole_import_back(db):
    before = state_of_layer()
    job, kept, deleted = replace_import()
    assert job.result["updated"] == 1 and job.result["created"] == 1 and job.result["deleted"] == len(deleted)
    created = KamuHizmeti.objects.get(adi="Yeni Hizmet")
    result = revert.revert(job=job, user=None)
    assert result["removed"] == 1 and result["restored"] == 1 and result["brought_back"] == len(deleted)
    assert state_of_layer() == before
    # History records every step: the import, then the revert.
    assert [r.operation for r in feature_versions(HIZMET, kept.tucbs_no)][-2:] == ["import", "revert"]
    assert [r.operation for r in feature_versions(HIZMET, created.tucbs_no)] == ["import", "delete"]
    assert [r.operation for r in feature_versions(HIZMET, deleted[0].tucbs_no)][-2:] == ["delete", "revert"]
    back = KamuHizmeti.objects.get(tucbs_no=deleted[0].tucbs_no)
    assert back.version == feature_versions(HIZMET, back.tucbs_no).last().version
    job.refresh_from_db()
    assert job.status == ImportStatus.REVERTED and job.reverted_at is not None
    record = AuditRecord.objects.get(action="import_revert", after__job=str(job.pk))
    assert len(record.after["history_sha256"]) == 64
    assert verify_history() == [] and not verify("audit")
    with pytest.raises(ValidationError, match="already been reverted"):
        revert.revert(job=job, user=None)


def test_revert_is_refused_after_a_later_edit_and_names_the_feature(db):
    job, kept, _deleted = replace_import()
    later = KamuHizmeti.objects.get(tucbs_no=kept.tucbs_no)
    feature_update(layer=HIZMET, instance=later, properties={"adi": "Sonradan Değişti"})
    snapshot = state_of_layer()
    with pytest.raises(ValidationError) as refused:
        revert.revert(job=job, user=None)
    assert str(kept.tucbs_no) in " ".join(refused.value.messages)
    assert state_of_layer() == snapshot
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_only_the_author_or_an_administrator_reverts(db, django_user_model):
    author = make_user(("layer:kh-hizmet", "edit"))
    job, _kept, _deleted = replace_import(user=author)
    other = make_user(("layer:kh-hizmet", "edit"))
    with pytest.raises(PermissionDenied):
        revert.revert(job=job, user=other)
    admin = django_user_model.objects.create_superuser("revert-admin", "r@example.org", "x-pass-123")
    assert revert.revert(job=job, user=admin)["removed"] == 1


def test_the_import_page_offers_the_revert_and_does_it(client, db):
    author = make_user(("layer:kh-hizmet", "edit"))
    job, kept, _deleted = replace_import(user=author)
    client.force_login(author)
    url = reverse("layers:import_detail", args=[job.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert 'id="revert"' in page and 'data-confirm="confirm-revert"' in page and "<dialog" in page
    response = client.post(url, {"action": "revert"}, HTTP_ACCEPT_LANGUAGE="tr", follow=True)
    assert response.status_code == 200 and 'id="reverted"' in response.content.decode()
    assert KamuHizmeti.objects.get(tucbs_no=kept.tucbs_no).adi == kept.adi


def test_kill_during_revert_leaves_the_layer_all_before_or_all_after(django_db_setup, django_db_blocker):
    """SIGKILL the process while its revert transaction has changed the layer (it is waiting on the
    audit chain's lock, which the test holds): afterwards the layer, its history and the job are
    exactly as after the import; a second revert then completes."""
    from django.core.files.base import ContentFile

    from layers.export import export_layer

    bina = get_layer("bi-bina")
    with django_db_blocker.unblock():
        data, name = export_layer(bina, "geojson", 5254)
        # Every building changed (one floor more; a replace versions only what changed).
        collection = json.loads(data)
        for feature in collection["features"]:
            feature["properties"]["zeminUstuKatSayisi"] = feature["properties"]["zeminUstuKatSayisi"] % 120 + 1
        data = json.dumps(collection).encode()
        job = jobs.job_create(user=None, layer_name="bi-bina", upload=ContentFile(data, name=name))
        job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
        job = jobs.run(job.pk, "check")
        assert job.status == ImportStatus.CHECKED and job.rejected == 0, job.message
        job = jobs.run(job.pk, "write")
        assert job.status == ImportStatus.DONE, job.message
        after_import = dict(bina.model.objects.values_list("tucbs_no", "version"))
        history_rows = bina.history.objects.count()
        from django.db import transaction

        day = timezone.now().astimezone(UTC).date()
        with transaction.atomic():  # the revert's audit record waits for today's chain head, locked here
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM audit_chainhead WHERE log = 'audit' AND day = %s FOR UPDATE", [day])
                assert cursor.fetchone(), "the import left today's chain head"
            env = {**os.environ, "DATABASE_URL": url_of_the_test_database()}
            log = tempfile.NamedTemporaryFile(prefix="revert-kill-", suffix=".log")
            process = subprocess.Popen([sys.executable, str(settings.BASE_DIR / "manage.py"), "import_revert",
                                        str(job.pk)], env=env, cwd=settings.BASE_DIR,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + 120
            while True:  # the revert has written the layer and its history and waits for the chain head
                with connection.cursor() as cursor:  # pg_locks is live (pg_stat_activity is a per-transaction snapshot)
                    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
                    if cursor.fetchone()[0]:
                        break
                assert process.poll() is None, open(log.name).read()
                assert time.monotonic() < deadline
                time.sleep(0.05)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        time.sleep(0.5)  # the killed backend's transaction is rolled back when its socket closes
        assert dict(bina.model.objects.values_list("tucbs_no", "version")) == after_import
        assert bina.history.objects.count() == history_rows
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE
        # The same revert, not interrupted, takes the import back.
        result = revert.revert(job=job, user=None)
        assert result["restored"] == len(after_import)
        assert verify_history() == []
        job.delete()
