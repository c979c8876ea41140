"""Import jobs (an uploaded file on its way into a layer) and field mappings remembered per source."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")      # inspected; settings to be chosen
    CHECKING = "checking", _("checking")      # staging and validation running
    CHECKED = "checked", _("checked")         # report ready; nothing written to the layer yet
    WRITING = "writing", _("writing")         # the one transaction is running
    DONE = "done", _("done")
    FAILED = "failed", _("failed")            # nothing was written to the layer
    CANCELLED = "cancelled", _("cancelled")
    REVERTED = "reverted", _("reverted")      # written, then taken back as one transaction


RUNNING = (ImportStatus.CHECKING, ImportStatus.WRITING)


class ImportMode(models.TextChoices):
    APPEND = "append", _("append to the layer")
    REPLACE = "replace", _("replace the layer's features in an area")


class ImportJob(models.Model):
    """One uploaded file and everything chosen and found about it; written through layers.imports."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    layer = models.CharField(_("layer"), max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The user's file name is shown, never used: the stored file has a server-side name.
    original_name = models.CharField(_("file"), max_length=255)
    kind = models.CharField(_("format"), max_length=10)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    # What GDAL found: [{name, count, geometry, srid, srs_name, fields: [{name, type}], extent}]
    sources = models.JSONField(default=list)
    source_index = models.PositiveSmallIntegerField(default=0)
    # Every check stages into a new table (a failed or repeated check never meets an old one).
    attempt = models.PositiveIntegerField(default=0)
    # Chosen settings.
    srid = models.PositiveIntegerField(_("source CRS (EPSG)"), null=True, blank=True)
    x_field = models.CharField(max_length=100, blank=True)
    y_field = models.CharField(max_length=100, blank=True)
    swap_axes = models.BooleanField(_("swap axes"), default=False)
    mapping = models.JSONField(default=dict)     # layer property -> source field
    code_map = models.JSONField(default=dict)    # layer property -> {source value: code}
    mode = models.CharField(_("mode"), max_length=10, choices=ImportMode.choices, default=ImportMode.APPEND)
    area = models.MultiPolygonField(srid=settings.CBS_SRID, null=True, blank=True)
    area_label = models.CharField(max_length=200, blank=True)
    skip_rejected = models.BooleanField(_("skip rejected features"), default=False)
    # Progress and results.
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    phase = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    # The queue job of the running phase (procrastinate_jobs.id), the host that ran it and the
    # time of the last progress report.
    task_id = models.BigIntegerField(null=True, blank=True)
    worker_host = models.CharField(max_length=100, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    transformation = models.TextField(blank=True)
    accuracy = models.FloatField(null=True, blank=True)
    total = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    warnings = models.JSONField(default=list)    # plausibility findings, topology warnings
    result = models.JSONField(default=dict)      # created / updated / deleted counts
    message = models.TextField(blank=True)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reverted by"))

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.layer}"

    @property
    def staging_table(self) -> str:
        """Schema-qualified name of the job's staging table (ours, never the user's)."""
        return f"cbs_import.job_{self.id.hex}_{self.attempt}"

    @property
    def source(self) -> dict:
        return self.sources[self.source_index] if self.sources else {}

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING


class ImportMapping(models.Model):
    """The last field and code mapping used for a layer and a source (its set of field names)."""

    layer = models.CharField(max_length=60)
    source_key = models.CharField(max_length=64)
    source_label = models.CharField(max_length=255, blank=True)
    mapping = models.JSONField(default=dict)
    code_map = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["layer", "source_key"], name="layers_importmapping_unique")]
