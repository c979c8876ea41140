"""Tamper-evident logs: the audit trail of writes and the 5651 access log.

Each record carries a per-day sequence number and the SHA-256 of (previous hash + its own
canonical content); the head of each day's chain is kept in ChainHead. Changing, inserting or
deleting a row breaks verification (see cbs.audit.chain.verify).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LogKind(models.TextChoices):
    AUDIT = "audit", _("Audit trail")
    ACCESS = "access", _("Access log")


class ChainedRecord(models.Model):
    """Fields every chained log record has."""

    time = models.DateTimeField(_("time"), db_index=True)
    day = models.DateField(_("day"), editable=False)
    seq = models.PositiveIntegerField(_("sequence"), editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-time", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["day", "seq"], name="%(app_label)s_%(class)s_unique_day_seq"),
        ]


class AuditRecord(ChainedRecord):
    """One write anywhere in the system: who, when, what, before and after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(_("actor"), max_length=150,
                             help_text=_("User name, partner institution or command."))
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta(ChainedRecord.Meta):
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        # What is looked up: an object's history, and a layer's first and last write. Every index
        # costs each of an import's million records (no per-column indexes and LIKE twins).
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["object_type", "time"], name="audit_type_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type}"


class AccessRecord(ChainedRecord):
    """One HTTP request (Law 5651 access record), or one view of personal data."""

    user = models.CharField(_("user"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=2000)
    status = models.PositiveSmallIntegerField(_("status"))
    bytes = models.BigIntegerField(_("bytes"), default=0)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True,
                               help_text=_("Set when personal data was viewed or exported."))
    # Appended unsealed (no lock on the request path); the sealing job chains them in order.
    seq = models.PositiveIntegerField(_("sequence"), editable=False, null=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False, null=True)
    hash = models.CharField(_("hash"), max_length=64, editable=False, null=True)

    class Meta(ChainedRecord.Meta):
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            # what the sealing job reads
            models.Index(fields=["time", "id"], condition=models.Q(seq__isnull=True),
                         name="access_unsealed"),
            # partner rate limiting counts an institution's (or a staff token owner's) last minute
            models.Index(fields=["institution", "time"], condition=~models.Q(institution=""),
                         name="access_institution_time"),
            models.Index(fields=["user", "time"], condition=~models.Q(user=""),
                         name="access_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.source_ip} {self.method} {self.path} {self.status}"


class ChainHead(models.Model):
    """The last hash and count of one day's chain, kept apart from the records."""

    log = models.CharField(_("log"), max_length=10, choices=LogKind.choices)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("records"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")
        constraints = [
            models.UniqueConstraint(fields=["log", "day"], name="%(app_label)s_%(class)s_unique_log_day"),
        ]


class DestructionRecord(models.Model):
    """Proof that expired log records were destroyed (retention), itself never destroyed."""

    log = models.CharField(_("log"), max_length=10, choices=LogKind.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    records = models.PositiveIntegerField(_("records destroyed"))
    last_hashes = models.JSONField(_("chain heads of the destroyed days"))
    destroyed_at = models.DateTimeField(_("destroyed at"), auto_now_add=True)
    actor = models.CharField(_("actor"), max_length=150)

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-destroyed_at"]
