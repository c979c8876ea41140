"""A feature's versions (from its layer's history table), their differences, and restoring one.

The history table (layers.models.history) is the data: log retention never touches it. Every
restore is a new write through the services (a new version, audited); a deleted feature is
brought back under its own tucbsNo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from .models.history import Operation
from .registry import Layer
from .services import feature_undelete, feature_update
from .versioning import state

SNAPSHOT_ONLY = {"geometry", "version", "tucbsNo", "surumBaslangicZamani", "surumBitisZamani"}
# What "undo my last edit" takes back.
UNDOABLE = (Operation.UPDATE, Operation.RESTORE, Operation.DELETE)


def feature_versions(layer: type[Layer], tucbs_no: int) -> QuerySet:
    """Every version of the feature, oldest first (a deleted feature ends with its tombstone)."""
    return layer.history.objects.filter(tucbs_no=tucbs_no).select_related("user").order_by("id")


@dataclass
class Version:
    """One history row with the state before it (the previous version) and after it (None for a
    tombstone: the feature was gone afterwards)."""

    row: Model
    before: dict | None
    after: dict | None

    @property
    def is_tombstone(self) -> bool:
        return self.row.operation == Operation.DELETE

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        return changes(self.before, self.after)


def versions(layer: type[Layer], tucbs_no: int) -> list[Version]:
    """The feature's versions with their before and after states, oldest first."""
    out, previous = [], None
    for row in feature_versions(layer, tucbs_no):
        current = state(layer, row)
        tombstone = row.operation == Operation.DELETE
        out.append(Version(row, previous, None if tombstone else current))
        previous = None if tombstone else current
    return out


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(attribute, old, new) for every attribute that differs, geometry included."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in ("version", "surumBaslangicZamani")]
    def same(a, b) -> bool:  # an empty text and no value read alike
        return a == b or (a in (None, "") and b in (None, ""))

    return [(k, before.get(k), after.get(k)) for k in keys if not same(before.get(k), after.get(k))]


def _previous(layer: type[Layer], row: Model) -> Model | None:
    return (layer.history.objects.filter(tucbs_no=row.tucbs_no, id__lt=row.id)
            .exclude(operation=Operation.DELETE).order_by("-id").first())


def feature_restore(*, layer: type[Layer], instance, record: Model, user=None,
                    use_before: bool = False, expected_version: int | None = None):
    """Make the feature look as it did in version `record` (or, for undo, just before it).

    `instance` is the feature, or None when it was deleted: then it is brought back. This is a
    new write: a new version, audited, with the restored version named as the reason.
    """
    if not isinstance(record, layer.history) or (instance is not None and record.tucbs_no != instance.tucbs_no):
        raise ValidationError(_("This history record belongs to another feature."))
    source = _previous(layer, record) if use_before else record
    snapshot = state(layer, source)
    if not snapshot or not snapshot.get("geometry"):
        raise ValidationError(_("This version cannot be restored (the feature did not exist)."))
    properties = {k: v for k, v in snapshot.items() if k not in SNAPSHOT_ONLY}
    geometry = GEOSGeometry(snapshot["geometry"])
    reason = (_("undo of version %(v)d") % {"v": record.version} if use_before
              else _("restore of version %(v)d") % {"v": source.version})
    if instance is None:
        last = layer.history.objects.filter(tucbs_no=record.tucbs_no).order_by("-id").first()
        if last is None or last.operation != Operation.DELETE:
            raise ValidationError(_("This feature is not deleted; reload the page."))
        if expected_version is not None and expected_version != last.version:
            from .services import VersionConflict

            raise VersionConflict(last.version)
        return feature_undelete(layer=layer, tucbs_no=record.tucbs_no, properties=properties, geometry=geometry,
                                version=last.version + 1, user=user, reason=reason)
    return feature_update(layer=layer, instance=instance, properties=properties, geometry=geometry, user=user,
                          expected_version=expected_version, operation=Operation.RESTORE, reason=reason)


def last_edit_by(layer: type[Layer], tucbs_no: int, user) -> Model | None:
    """The user's most recent change of the feature (what 'undo' takes back)."""
    if user is None or not user.is_authenticated:
        return None
    return (feature_versions(layer, tucbs_no).filter(user=user, operation__in=UNDOABLE)
            .order_by("-id").first())
