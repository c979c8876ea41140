"""Applying what a device collected offline: through the layer services, each change once.

A change carries an id the device made when it was queued. The feature write and the row that
remembers the id commit in one transaction, so a replay (the response was lost, the user pressed
sync twice, two tabs synced at once) finds the row and writes nothing. An update names the
version the device had; if the server's feature moved on meanwhile the layer service refuses
(VersionConflict) and the device shows both sides – nothing is overwritten silently.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cbs.accounts.selectors import layer_resource, user_can
from cbs.audit.services import audit_record
from layers.registry import Layer
from layers.services import FeatureInput, VersionConflict, feature_create, feature_update

from .models import FieldChange, FieldOperation, FieldPhoto

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 8 * 1024 * 1024  # the device resizes to ~1600 px; a camera original fits too


@dataclass(frozen=True)
class DeviceChange:
    """One queued change as the device sent it (geometry: GeoJSON in CRS84)."""

    id: uuid.UUID
    layer: type[Layer]
    operation: str
    properties: dict[str, Any] = field(default_factory=dict)
    geometry: dict | None = None
    tucbs_no: int | None = None
    base_version: int | None = None
    made_at: datetime | None = None


@dataclass(frozen=True)
class Applied:
    """The stored outcome of a change; `replayed` when it had been applied before."""

    record: FieldChange
    replayed: bool


class FieldConflict(Exception):
    """The feature changed (or was deleted) on the server after the device read it."""

    def __init__(self, current_version: int):
        super().__init__(_("The feature was changed on the server after you downloaded it."))
        self.current_version = current_version


def _previous(change: DeviceChange, user) -> Applied | None:
    record = FieldChange.objects.filter(pk=change.id).first()
    if record is None:
        return None
    if record.user_id != user.pk or record.layer != change.layer.name:
        raise ValidationError(_("This change id was already used for another change."))
    return Applied(record, replayed=True)


def field_change_apply(*, user, change: DeviceChange) -> Applied:
    """Apply a device's change once (create or update through layers.services)."""
    previous = _previous(change, user)
    if previous is not None:
        return previous
    layer = change.layer
    reason = _("Field collection (change %(id)s)") % {"id": change.id}
    try:
        with transaction.atomic():
            if change.operation == FieldOperation.CREATE:
                instance = feature_create(layer=layer, user=user, reason=reason, feature=FeatureInput(
                    properties=change.properties, geometry=change.geometry))
            else:
                instance = layer.model.objects.filter(tucbs_no=change.tucbs_no).first()
                if instance is None:  # deleted on the server meanwhile
                    raise FieldConflict(0)
                try:
                    instance = feature_update(layer=layer, instance=instance, properties=change.properties,
                                              geometry=change.geometry, user=user, reason=reason,
                                              expected_version=change.base_version)
                except VersionConflict as exc:
                    raise FieldConflict(exc.current) from exc
            record = FieldChange.objects.create(
                id=change.id, user=user, layer=layer.name, operation=change.operation,
                tucbs_no=instance.tucbs_no, version=instance.version, made_at=change.made_at)
    except IntegrityError:
        # The same change applied by a concurrent request first: its write stands, ours rolled back.
        previous = _previous(change, user)
        if previous is None:
            raise
        return previous
    return Applied(record, replayed=False)


def _photo_type(upload: UploadedFile) -> str:
    """The image's real type (read by Pillow, not the name or the header the device sent)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(_("The photo is not a JPEG, PNG or WebP image.")) from exc
    finally:
        upload.seek(0)
    if kind not in PHOTO_TYPES:
        raise ValidationError(_("The photo is not a JPEG, PNG or WebP image."))
    return PHOTO_TYPES[kind]


def field_photo_store(*, user, photo_id: uuid.UUID, layer: type[Layer], tucbs_no: int,
                      upload: UploadedFile, change_id: uuid.UUID | None = None) -> tuple[FieldPhoto, bool]:
    """Keep a photo with its feature (once per device-made id); (photo, stored before)."""
    existing = FieldPhoto.objects.filter(pk=photo_id).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise ValidationError(_("This photo id was already used."))
        return existing, True
    if not user_can(user, layer_resource(layer), "edit"):
        raise PermissionDenied(_("You may not edit the layer %(layer)s.") % {"layer": layer.title})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // 2**20})
    if not layer.model.objects.filter(tucbs_no=tucbs_no).exists():
        raise ValidationError(_("Feature not found."))
    change = None
    if change_id is not None:
        change = FieldChange.objects.filter(pk=change_id, user=user).first()
    content_type = _photo_type(upload)
    try:
        with transaction.atomic():
            photo = FieldPhoto(id=photo_id, change=change, user=user, layer=layer.name, tucbs_no=tucbs_no,
                               content_type=content_type, size=upload.size)
            photo.file.save(f"{photo_id}.jpg", upload, save=False)
            photo.save(force_insert=True)
            audit_record(action="field_photo", object_type=f"layer:{layer.name}", object_id=tucbs_no,
                         object_repr=str(photo), user=user,
                         after={"photo": str(photo_id), "size": upload.size, "type": content_type,
                                "change": str(change_id) if change else None})
    except IntegrityError:
        existing = FieldPhoto.objects.filter(pk=photo_id, user=user).first()
        if existing is None:
            raise
        return existing, True
    return photo, False
