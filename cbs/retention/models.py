"""The record of each retention run: what was anonymised (the KVKK destruction record) and which
bookkeeping rows were pruned."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    DRY_RUN = "dry_run", _("dry run (nothing changed)")


class RetentionRun(models.Model):
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RetentionStatus.choices)
    actor = models.CharField(_("started by"), max_length=150, blank=True)
    retention_days = models.PositiveIntegerField(_("retention (days after closing)"))
    cutoff = models.DateTimeField(_("closed before"))
    tickets_anonymised = models.PositiveIntegerField(_("tickets anonymised"), default=0)
    ticket_ids = models.JSONField(_("ticket ids"), default=list, blank=True)
    ticket_numbers = models.JSONField(_("ticket numbers"), default=list, blank=True)
    fields = models.JSONField(_("fields anonymised"), default=list, blank=True)
    attachments_deleted = models.PositiveIntegerField(_("attachments deleted"), default=0)
    files_deleted = models.PositiveIntegerField(_("files deleted"), default=0)
    # Stored names still to delete (the transaction committed, the storage did not answer yet):
    # the next run tries again.
    files_pending = models.JSONField(_("files still to delete"), default=list, blank=True)
    pruned = models.JSONField(_("bookkeeping rows pruned"), default=dict, blank=True)
    audit_record_id = models.BigIntegerField(_("audit record"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run (KVKK)")
        verbose_name_plural = _("retention runs (KVKK)")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.tickets_anonymised}"
