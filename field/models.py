"""What devices sent: each change once (its device-made id), and the photos taken with it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldOperation(models.TextChoices):
    CREATE = "create", _("new feature")
    UPDATE = "update", _("change")


class FieldChange(models.Model):
    """One change made on a device and applied through the layer services exactly once: a
    replay of the same id (a lost response, a second sync) answers this row, writes nothing."""

    id = models.UUIDField(primary_key=True)  # made by the device when the change was queued
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    layer = models.CharField(_("layer"), max_length=100)
    operation = models.CharField(_("operation"), max_length=10, choices=FieldOperation.choices)
    tucbs_no = models.BigIntegerField(_("feature"))
    version = models.PositiveIntegerField(_("version written"))
    made_at = models.DateTimeField(_("made on the device"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")
        indexes = [models.Index(fields=["layer", "tucbs_no"], name="field_change_feature")]

    def __str__(self):
        return f"{self.layer} #{self.tucbs_no} v{self.version}"


def photo_path(photo: "FieldPhoto", filename: str) -> str:
    # Never the device's file name in the path (it may be anything): the photo's own id.
    return f"field/{photo.layer}/{photo.tucbs_no}/{photo.id}.jpg"


class FieldPhoto(models.Model):
    """A photo taken in the field, kept with the feature it shows (and the change it came with)."""

    id = models.UUIDField(primary_key=True)  # made by the device: uploading twice stores it once
    change = models.ForeignKey(FieldChange, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="photos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    layer = models.CharField(_("layer"), max_length=100)
    tucbs_no = models.BigIntegerField(_("feature"))
    file = models.FileField(_("file"), upload_to=photo_path)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("field photo")
        verbose_name_plural = _("field photos")
        indexes = [models.Index(fields=["layer", "tucbs_no"], name="field_photo_feature")]

    def __str__(self):
        return f"{self.layer} #{self.tucbs_no} – {self.id}"
