"""What the backup records say: the newest backups and drills, and whether anything is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BackupRun, RunKind, RunStatus


@dataclass(frozen=True)
class Problem:
    reason: str    # "missing" | "failed" | "drill"
    message: str


def last_run(kind: str, status: str | None = None) -> BackupRun | None:
    runs = BackupRun.objects.filter(kind=kind)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-started_at", "-id").first()


def backup_problem(now: datetime | None = None) -> Problem | None:
    """Why an administrator should look at the backups now, or None. A run still "running"
    without a sign of life counts as failed (the reaper will record it so)."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.CBS_BACKUP_STALE_SECONDS)
    latest = BackupRun.objects.filter(kind=RunKind.BACKUP).exclude(
        status=RunStatus.RUNNING, heartbeat__gte=stale_before).order_by("-started_at", "-id").first()
    if latest is not None and latest.status != RunStatus.SUCCEEDED:
        return Problem("failed", _("The last backup failed (%(time)s): %(error)s") % {
            "time": timezone.localtime(latest.started_at).strftime("%Y-%m-%d %H:%M"),
            "error": latest.error[:200] or _("it stopped before it finished")})
    hours = settings.CBS_BACKUP_MAX_AGE_HOURS
    success = last_run(RunKind.BACKUP, RunStatus.SUCCEEDED)
    if success is None:
        return Problem("missing", _("No backup has been made yet."))
    if (success.finished_at or success.started_at) < now - timedelta(hours=hours):
        return Problem("missing", _("No successful backup in the last %(hours)s hours (the last one: %(time)s).")
                       % {"hours": hours, "time": timezone.localtime(success.finished_at).strftime("%Y-%m-%d %H:%M")})
    drill = BackupRun.objects.filter(kind=RunKind.DRILL).exclude(status=RunStatus.RUNNING).order_by(
        "-started_at", "-id").first()
    if drill is not None and drill.status == RunStatus.FAILED:
        return Problem("drill", _("The last restore drill failed (%(time)s): %(error)s") % {
            "time": timezone.localtime(drill.started_at).strftime("%Y-%m-%d %H:%M"), "error": drill.error[:200]})
    return None


def overview(now: datetime | None = None) -> dict:
    """The head of the backup page: newest backup, newest success, newest drill, current RPO."""
    now = now or timezone.now()
    success = last_run(RunKind.BACKUP, RunStatus.SUCCEEDED)
    age = (now - success.finished_at).total_seconds() if success and success.finished_at else None
    return {"problem": backup_problem(now), "last_backup": last_run(RunKind.BACKUP), "last_success": success,
            "last_drill": last_run(RunKind.DRILL),
            "last_good_drill": last_run(RunKind.DRILL, RunStatus.SUCCEEDED), "backup_age_seconds": age,
            "max_age_hours": settings.CBS_BACKUP_MAX_AGE_HOURS, "backup_dir": settings.CBS_BACKUP_DIR,
            "offsite_dir": settings.CBS_BACKUP_OFFSITE_DIR, "keep": settings.CBS_BACKUP_KEEP}
