"""Retention (README "KVKK"): the daily run that anonymises citizens' data in old tickets and
prunes bookkeeping rows. One `RetentionRun` and one audit record per run."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from .models import RetentionRun, RetentionStatus


def kvkk_anonymise(*, now: datetime | None = None, days: int | None = None, dry_run: bool = False,
                   actor: str = "system") -> RetentionRun:
    """Anonymise citizens' personal fields of tickets closed more than `days`
    (CBS_KVKK_TICKET_RETENTION_DAYS) ago, delete their attachments and files, prune bookkeeping
    rows. Idempotent: a second run finds nothing left to do. `dry_run` only lists the tickets."""
    from backoffice.tickets import retention

    now = now or timezone.now()
    days = settings.CBS_KVKK_TICKET_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    common = {"started_at": now, "actor": actor[:150], "retention_days": days, "cutoff": cutoff,
              "fields": list(retention.PERSONAL_FIELDS)}
    if dry_run:
        due = retention.due(cutoff)
        return RetentionRun.objects.create(
            status=RetentionStatus.DRY_RUN, finished_at=timezone.now(), tickets_anonymised=len(due),
            ticket_ids=[t[0] for t in due], ticket_numbers=[t[1] for t in due], **common)
    try:
        with transaction.atomic():
            tickets, files, attachments = retention.anonymise(cutoff)
            record = audit_record(
                action="kvkk_anonymise", object_type="tickets.ticket",
                object_repr=f"{len(tickets)} tickets closed before {cutoff:%Y-%m-%d}",
                after={"retention_days": days, "closed_before": cutoff.isoformat(), "tickets": len(tickets),
                       "ticket_ids": [t[0] for t in tickets], "ticket_numbers": [t[1] for t in tickets],
                       "fields": list(retention.PERSONAL_FIELDS), "attachments_deleted": attachments},
                actor=actor)
            run = RetentionRun.objects.create(
                status=RetentionStatus.SUCCEEDED, tickets_anonymised=len(tickets),
                ticket_ids=[t[0] for t in tickets], ticket_numbers=[t[1] for t in tickets],
                attachments_deleted=attachments, files_pending=files, audit_record_id=record.pk, **common)
    except Exception as exc:
        RetentionRun.objects.create(status=RetentionStatus.FAILED, finished_at=timezone.now(),
                                    error=f"{type(exc).__name__}: {exc}"[:5000], **common)
        raise
    # Files go once the rows are gone for good (committed): a file without its row is removed
    # by the next run if the storage fails now, a row is never left without its file.
    delete_pending_files()
    run.refresh_from_db()
    run.pruned = prune_bookkeeping(now=now)
    run.finished_at = timezone.now()
    run.save(update_fields=["pruned", "finished_at"])
    return run


def delete_pending_files() -> int:
    """Delete the stored files of anonymised tickets' attachments still pending (any run)."""
    from backoffice.tickets.retention import attachment_storage

    storage, deleted = attachment_storage(), 0
    for run in RetentionRun.objects.exclude(files_pending=[]).order_by("pk"):
        left = []
        for name in run.files_pending:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 – the storage did not answer: kept for the next run
                left.append(name)
        done = len(run.files_pending) - len(left)
        RetentionRun.objects.filter(pk=run.pk).update(files_pending=left, files_deleted=run.files_deleted + done)
        deleted += done
    return deleted


def prune_bookkeeping(*, now: datetime | None = None) -> dict:
    """Rows that served their purpose: old login attempts (django-axes), expired sessions, the
    files and staging tables of finished or abandoned imports."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    login_cutoff = now - timedelta(days=settings.CBS_LOGIN_ATTEMPT_RETENTION_DAYS)
    counts = {
        "login_attempts": AccessAttempt.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "login_failures": AccessFailureLog.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "login_log": AccessLog.objects.filter(attempt_time__lt=login_cutoff).delete()[0],
        "sessions": Session.objects.filter(expire_date__lt=timezone.now()).count(),
    }
    call_command("clearsessions")
    counts.update(_prune_imports(now))
    return counts


def _prune_imports(now: datetime) -> dict:
    """Uploaded files and staging tables of imports untouched for CBS_IMPORT_RETENTION_DAYS: done,
    failed and cancelled ones keep their record (and their features' history) without their file;
    ones left uploaded or checked are cancelled. Each run covers the jobs since the last run's cutoff."""
    from layers.imports import jobs, uploads
    from layers.models import ImportJob, ImportStatus

    cutoff = now - timedelta(days=settings.CBS_IMPORT_RETENTION_DAYS)
    last = (RetentionRun.objects.filter(status=RetentionStatus.SUCCEEDED, pruned__has_key="imports_before")
            .order_by("-started_at").values_list("pruned", flat=True).first())
    since = datetime.fromisoformat(last["imports_before"]) if last else None
    window = ImportJob.objects.filter(updated_at__lt=cutoff)
    if since is not None:
        window = window.filter(updated_at__gte=since)
    waiting, running = [ImportStatus.UPLOADED, ImportStatus.CHECKED], [ImportStatus.CHECKING, ImportStatus.WRITING]
    finished = list(window.exclude(status__in=waiting + running))  # done, failed, cancelled (reverted)
    abandoned = list(window.filter(status__in=waiting))
    for job in finished + abandoned:
        jobs.drop_staging(job, wait=False)
        uploads.remove_folder(job.id)
    if abandoned:
        ImportJob.objects.filter(pk__in=[j.pk for j in abandoned]).update(
            status=ImportStatus.CANCELLED, phase="",
            message=_("Cancelled after %(days)s days without use; the uploaded file was removed.")
            % {"days": settings.CBS_IMPORT_RETENTION_DAYS})
    return {"import_files": len(finished) + len(abandoned), "imports_cancelled": len(abandoned),
            "imports_before": cutoff.isoformat()}
