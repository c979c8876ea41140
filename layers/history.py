"""A feature's versions (from the audit trail) and restoring one of them."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cbs.audit.models import AuditRecord

from .registry import Layer
from .services import feature_update

SNAPSHOT_ONLY = {"geometry", "version", "tucbsNo", "surumBaslangicZamani", "surumBitisZamani"}


def feature_versions(layer: type[Layer], tucbs_no: int) -> QuerySet[AuditRecord]:
    """Every recorded write of the feature, oldest first."""
    return (AuditRecord.objects.filter(object_type=f"layer:{layer.name}", object_id=str(tucbs_no))
            .select_related("user").order_by("time", "seq"))


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(attribute, old, new) for every attribute that differs, geometry included."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in ("version", "surumBaslangicZamani")]
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def feature_restore(*, layer: type[Layer], instance, record: AuditRecord, user=None,
                    use_before: bool = False, expected_version: int | None = None):
    """Make the feature look as it did in `record` (its after-state, or before-state for undo).

    This is a new write: the version goes up and the restore itself is audited.
    """
    snapshot = record.before if use_before else record.after
    if record.object_type != f"layer:{layer.name}" or record.object_id != str(instance.tucbs_no):
        raise ValidationError(_("This history record belongs to another feature."))
    if not snapshot or not snapshot.get("geometry"):
        raise ValidationError(_("This version cannot be restored (the feature did not exist)."))
    properties = {k: v for k, v in snapshot.items() if k not in SNAPSHOT_ONLY}
    return feature_update(layer=layer, instance=instance, properties=properties,
                          geometry=GEOSGeometry(snapshot["geometry"]), user=user,
                          expected_version=expected_version)


def last_edit_by(layer: type[Layer], tucbs_no: int, user) -> AuditRecord | None:
    """The user's most recent change of the feature (what 'undo' takes back)."""
    return (feature_versions(layer, tucbs_no).filter(user=user, action="update")
            .order_by("-time", "-seq").first())
