"""KVKK retention (issue 17.5): citizens' data in tickets closed long ago is anonymised set-based,
with one audit record per run and the attachments' files deleted; bookkeeping rows are pruned."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.tickets import services as tickets
from backoffice.tickets.models import Attachment, Category, Status, Ticket
from cbs.audit.models import AuditRecord
from cbs.retention.models import RetentionRun, RetentionStatus
from cbs.retention.services import kvkk_anonymise, prune_bookkeeping
from cbs.testing import make_user

DAY = timedelta(days=1)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CBS_KVKK_TICKET_RETENTION_DAYS = 730
    return settings.MEDIA_ROOT


def open_ticket(name="Ayşe Yılmaz", staff=None, **extra):
    from backoffice.assets.models import Camera

    extra.setdefault("camera", Camera.objects.order_by("tucbs_no").first())  # the place: the camera's
    data = tickets.TicketInput(
        title="Sokak kamerası", description="Görüntü gelmiyor.", channel="telefon",
        category=Category.objects.get(name="Görüntü yok"), priority=3, requester_staff=staff,
        requester_name="" if staff else name, requester_phone="" if staff else "0532 123 45 67",
        requester_email="" if staff else "ayse@example.org", consent_note="" if staff else "sözlü",
        address="Şehit Er Cd 12", **extra)
    return tickets.ticket_open(data=data)


def closed(ticket, days_ago: int, status=Status.CLOSED):
    when = timezone.now() - days_ago * DAY
    Ticket.objects.filter(pk=ticket.pk).update(status=status, resolved_at=when,
                                               closed_at=when if status == Status.CLOSED else None)
    ticket.refresh_from_db()
    return ticket


def attach(ticket, content=b"fatura ve fotograf"):
    return tickets.ticket_attach(ticket=ticket, upload=SimpleUploadedFile("not.txt", content, "text/plain"))


class AnonymiseTests:
    def test_old_closed_citizen_ticket_is_anonymised_others_kept(self, db, media):
        from backoffice.assets.models import Staff

        old = closed(open_ticket(), days_ago=731)
        old_resolved = closed(open_ticket(name="Ali Veli"), days_ago=800, status=Status.RESOLVED)
        recent = closed(open_ticket(name="Mehmet Kaya"), days_ago=700)
        still_open = open_ticket(name="Zeynep Ak")
        Ticket.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - 1000 * DAY)
        staff_ticket = closed(open_ticket(staff=Staff.objects.first()), days_ago=900)
        files = [attach(old), attach(old, b"ikinci dosya"), attach(recent), attach(staff_ticket)]
        stored = [media / a.file.name for a in files]
        assert all(p.is_file() for p in stored)
        version = old.version

        run = kvkk_anonymise(actor="test")

        old.refresh_from_db()
        assert (old.requester_name, old.requester_phone, old.requester_email, old.address, old.consent_note) == \
            ("", "", "", "", "")
        assert old.version == version + 1 and old.title == "Sokak kamerası" and old.location is not None
        old_resolved.refresh_from_db()
        assert old_resolved.requester_name == ""
        for kept, name in ((recent, "Mehmet Kaya"), (still_open, "Zeynep Ak")):
            kept.refresh_from_db()
            assert kept.requester_name == name and kept.requester_phone and kept.address
        staff_ticket.refresh_from_db()
        assert staff_ticket.requester_staff_id and staff_ticket.address == "Şehit Er Cd 12"
        # The old ticket's attachments are gone, rows and files; the others stay.
        assert not Attachment.objects.filter(ticket=old).exists()
        assert [p.is_file() for p in stored] == [False, False, True, True]

        assert run.status == RetentionStatus.SUCCEEDED and run.tickets_anonymised == 2
        assert sorted(run.ticket_ids) == sorted([old.pk, old_resolved.pk])
        assert set(run.ticket_numbers) == {old.number, old_resolved.number}
        assert (run.attachments_deleted, run.files_deleted, run.files_pending) == (2, 2, [])
        record = AuditRecord.objects.get(pk=run.audit_record_id)
        assert record.action == "kvkk_anonymise" and record.actor == "test"
        assert record.after["tickets"] == 2 and sorted(record.after["ticket_ids"]) == sorted(run.ticket_ids)
        assert "Ayşe" not in str(record.after) and "0532" not in str(record.after)  # no copy of the data

    def test_second_run_changes_nothing(self, db, media):
        old = closed(open_ticket(), days_ago=1000)
        attach(old)
        kvkk_anonymise(actor="test")
        old.refresh_from_db()
        version = old.version

        again = kvkk_anonymise(actor="test")

        old.refresh_from_db()
        assert again.tickets_anonymised == 0 and again.ticket_ids == [] and again.attachments_deleted == 0
        assert old.version == version
        assert AuditRecord.objects.filter(action="kvkk_anonymise").count() == 2  # one per run
        assert AuditRecord.objects.get(pk=again.audit_record_id).after["tickets"] == 0

    def test_retention_period_is_a_setting_and_dry_run_changes_nothing(self, db, media, settings):
        ticket = closed(open_ticket(), days_ago=40)
        settings.CBS_KVKK_TICKET_RETENTION_DAYS = 30
        dry = kvkk_anonymise(dry_run=True, actor="test")
        ticket.refresh_from_db()
        assert dry.status == RetentionStatus.DRY_RUN and dry.ticket_ids == [ticket.pk]
        assert ticket.requester_name == "Ayşe Yılmaz"
        assert not AuditRecord.objects.filter(action="kvkk_anonymise").exists()
        kvkk_anonymise(actor="test")
        ticket.refresh_from_db()
        assert ticket.requester_name == ""

    def test_ticket_page_says_the_data_was_removed(self, db, media, client):
        ticket = closed(open_ticket(), days_ago=800)
        kvkk_anonymise(actor="test")
        client.force_login(make_user(("module:tickets", "edit")))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = client.get(f"/tickets/{ticket.number}/").content.decode()
        assert "personal data removed (KVKK retention)" in page

    def test_report_page_lists_the_anonymised_tickets(self, db, media, client):
        ticket = closed(open_ticket(), days_ago=800)
        run = kvkk_anonymise(actor="test")
        client.force_login(make_user(superuser=True))
        assert client.get("/admin/retention/retentionrun/").status_code == 200
        page = client.get(f"/admin/retention/retentionrun/{run.pk}/change/").content.decode()
        assert ticket.number in page and f"/admin/tickets/ticket/{ticket.pk}/change/" in page
        client.force_login(make_user(("module:tickets", "edit")))
        assert client.get("/admin/retention/retentionrun/").status_code == 403


class BookkeepingTests:
    def test_old_login_attempts_expired_sessions_and_import_leftovers_go(self, db, settings, tmp_path):
        from axes.models import AccessAttempt
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session

        from layers.imports import uploads
        from layers.models import ImportJob, ImportStatus

        now = timezone.now()
        settings.CBS_IMPORT_DIR = tmp_path / "imports"
        old_try = AccessAttempt.objects.create(username="admin", ip_address="10.0.0.1", user_agent="x",
                                               failures_since_start=3)
        AccessAttempt.objects.filter(pk=old_try.pk).update(attempt_time=now - 40 * DAY)
        new_try = AccessAttempt.objects.create(username="admin", ip_address="10.0.0.2", user_agent="x",
                                               failures_since_start=1)
        expired, live = SessionStore(), SessionStore()
        expired.set_expiry(-10)
        expired.create()
        live.create()
        jobs = {}
        for label, status in (("done", ImportStatus.DONE), ("left", ImportStatus.CHECKED),
                              ("recent", ImportStatus.DONE)):
            job = ImportJob.objects.create(layer="bi-bina", original_name=f"{label}.geojson", kind="geojson",
                                           status=status)
            folder = uploads.job_folder(job.id)
            folder.mkdir(parents=True)
            (folder / "source.geojson").write_text("{}")
            if label != "recent":
                ImportJob.objects.filter(pk=job.pk).update(updated_at=now - 45 * DAY)
            jobs[label] = job

        pruned = prune_bookkeeping(now=now)

        assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [new_try.pk]
        assert not Session.objects.filter(session_key=expired.session_key).exists()
        assert Session.objects.filter(session_key=live.session_key).exists()
        assert not uploads.job_folder(jobs["done"].id).exists() and not uploads.job_folder(jobs["left"].id).exists()
        assert uploads.job_folder(jobs["recent"].id).exists()
        jobs["left"].refresh_from_db()
        assert jobs["left"].status == ImportStatus.CANCELLED
        assert ImportJob.objects.get(pk=jobs["done"].pk).status == ImportStatus.DONE  # the record stays
        assert pruned["login_attempts"] == 1 and pruned["import_files"] == 2 and pruned["imports_cancelled"] == 1
        assert pruned["sessions"] >= 1

    def test_the_run_records_what_was_pruned(self, db, media):
        run = kvkk_anonymise(actor="test")
        assert set(run.pruned) >= {"login_attempts", "sessions", "import_files"}
        assert RetentionRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists()
