"""Records of backups, restores and restore drills, and of the alerts sent about them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    BACKUP = "backup", _("Backup")
    RESTORE = "restore", _("Restore")
    DRILL = "drill", _("Restore drill")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class BackupRun(models.Model):
    """One backup, restore or drill. A run whose process died is marked failed by
    `services.reap()` (its pid is gone on this host, or its heartbeat stopped): never "running"
    forever."""

    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    name = models.CharField(_("backup"), max_length=40, blank=True,
                            help_text=_("The backup's folder name (its UTC start time)."))
    path = models.CharField(_("folder"), max_length=500, blank=True)
    offsite_path = models.CharField(_("off-site copy"), max_length=500, blank=True)
    actor = models.CharField(_("started by"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    pid = models.IntegerField(_("process id"), null=True, blank=True)
    host = models.CharField(_("host"), max_length=100, blank=True)
    size_bytes = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    rpo_seconds = models.FloatField(_("RPO (s)"), null=True, blank=True,
                                    help_text=_("Age of the restored backup's data when the drill ran."))
    rto_seconds = models.FloatField(_("RTO (s)"), null=True, blank=True,
                                    help_text=_("Time the restore took (database and files)."))
    checks = models.JSONField(_("checks"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("backup run")
        verbose_name_plural = _("backups and restore drills")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "finished_at"], name="backups_run_kind_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or f'{self.started_at:%Y-%m-%d %H:%M}'}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class BackupAlert(models.Model):
    """An e-mail sent about a failed or missing backup (and the proof that it was sent)."""

    sent_at = models.DateTimeField(_("sent at"))
    reason = models.CharField(_("reason"), max_length=20)
    run = models.ForeignKey(BackupRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    subject = models.CharField(_("subject"), max_length=200)
    recipients = models.JSONField(_("recipients"), default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("backup alert")
        verbose_name_plural = _("backup alerts")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"
