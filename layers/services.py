"""Every write to a layer goes through these functions (UI, OGC API, imports, admin, commands).

A service checks permission (when called for a user; management commands pass none),
validates (model + geometry, and the user's editing area), writes inside one transaction,
bumps the feature version and appends to the audit trail.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from .geometry import parse_geometry, to_storage
from .registry import Layer


@dataclass(frozen=True)
class FeatureInput:
    """One feature to write: published (TUCBS) property names -> values, and a geometry."""

    properties: Mapping[str, Any]
    geometry: Any


def _attributes(layer: type[Layer], properties: Mapping[str, Any]) -> dict[str, Any]:
    """Published property names -> model attribute names; unknown names are an error."""
    by_name = layer.properties()
    unknown = sorted(set(properties) - set(by_name))
    if unknown:
        raise ValidationError(
            {"__all__": _("Unknown attributes for this layer: %(names)s") % {"names": ", ".join(unknown)}}
        )
    # attname: a foreign key takes the referenced natural key (e.g. the mahalle's UAVT code).
    return {by_name[k].attname: _empty_as_stored(by_name[k], v) for k, v in properties.items()
            if by_name[k].editable or k == "tucbsNo"}


def _empty_as_stored(field, value: Any) -> Any:
    """null for a NOT NULL column: its default, or "" for optional text; else let validation say no."""
    if value is not None or field.null:
        return value
    if field.has_default():
        return field.get_default()
    if field.blank and field.get_internal_type() in ("CharField", "TextField"):
        return ""
    return None


def check_edit(*, user, layer: type[Layer], geometries: Iterable = ()) -> None:
    """PermissionDenied without an edit right; ValidationError for geometry outside the user's area."""
    if user is None:  # management commands and system jobs
        return
    from cbs.accounts.selectors import edit_area, layer_resource, user_can

    if not user_can(user, layer_resource(layer), "edit"):
        raise PermissionDenied(_("You may not edit the layer %(layer)s.") % {"layer": layer.title})
    area = edit_area(user, layer)
    if area is None:
        return
    prepared = area.prepared
    for geom in geometries:
        if geom is not None and not prepared.contains(geom):
            raise ValidationError({"geom": _(
                "The geometry lies outside the area you may edit (your permitted neighbourhoods).")})


def check_topology(layer: type[Layer], instance: Model) -> list[str]:
    """Run the layer's topology rules: errors raise, warnings are returned (and kept on the instance)."""
    from .topology import ERROR

    warnings, errors = [], []
    for rule in layer.topology:
        if not rule.holds(instance):
            (errors if rule.kind == ERROR else warnings).append(str(rule.message))
    if errors:
        raise ValidationError({"geom": errors})
    instance.topology_warnings = warnings
    return warnings


def feature_snapshot(layer: type[Layer], instance: Model) -> dict[str, Any]:
    """Published attributes and geometry (EWKT) of a feature, for the audit trail and history."""
    data = {name: getattr(instance, field.attname) for name, field in layer.properties().items()}
    geom = getattr(instance, layer.geometry_field)
    data["geometry"] = geom.ewkt if geom is not None else None
    data["version"] = instance.version
    return data


def bump_generation(layer: type[Layer]) -> None:
    """Every write changes the layer's data generation: cached tiles of it are now stale."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO layers_layercounter (layer, last_tucbs_no, generation) VALUES (%s, 0, 1) "
            "ON CONFLICT (layer) DO UPDATE SET generation = layers_layercounter.generation + 1",
            [layer.name])


def _versioned(operation: str, layer: type[Layer], instance: Model, user, reason: str = "", *,
               tombstone: bool = False, action: str | None = None) -> None:
    """The feature's new version into the layer's history (a tombstone before a delete), then one
    audit record with who, when, why and the SHA-256 of the version written (not a copy of it)."""
    from .versioning import record_versions

    bump_generation(layer)
    when = timezone.now() if tombstone else instance.surum_baslangic_zamani
    written = record_versions(layer, ids_sql="%(id)s", params={"id": instance.pk}, operation=operation,
                              when=when, user=user, reason=reason, tombstone=tombstone)
    audit_record(action=action or operation, object_type=f"layer:{layer.name}", object_id=instance.tucbs_no,
                 object_repr=str(instance), user=user,
                 after={"version": instance.version + (1 if tombstone else 0), "reason": reason,
                        "history": written.as_audit()})


class VersionConflict(Exception):
    """Someone saved the feature after the caller read it; `current` is the stored version."""

    def __init__(self, current: int):
        super().__init__(_("The feature was changed by someone else (now version %(v)d).") % {"v": current})
        self.current = current


def _lock_current(layer: type[Layer], instance: Model, expected_version: int | None) -> Model:
    """The stored row, locked for this transaction; checks the version the caller saw."""
    try:
        current = layer.model.objects.select_for_update().get(pk=instance.pk)
    except layer.model.DoesNotExist:
        raise VersionConflict(0) from None  # deleted meanwhile
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current.version)
    return current


def reserve_tucbs_numbers(layer: type[Layer], count: int = 1) -> int:
    """First of `count` new tucbsNo values; numbers are never handed out twice, even after a delete."""
    table = connection.ops.quote_name(layer.meta().db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO layers_layercounter (layer, last_tucbs_no, generation) "
            f'VALUES (%s, (SELECT coalesce(max("tucbsNo"), 0) FROM {table}) + %s, 0) '  # noqa: S608
            "ON CONFLICT (layer) DO UPDATE SET last_tucbs_no = GREATEST("
            f'layers_layercounter.last_tucbs_no, (SELECT coalesce(max("tucbsNo"), 0) FROM {table})) + %s '
            "RETURNING last_tucbs_no", [layer.name, count, count])
        last = cursor.fetchone()[0]
    return last - count + 1


def _build(layer: type[Layer], feature: FeatureInput) -> Model:
    instance = layer.model(**_attributes(layer, feature.properties))
    geometry = parse_geometry(feature.geometry)
    setattr(instance, layer.geometry_field, to_storage(geometry, geometry_type=layer.geometry_type()))
    instance.surum_baslangic_zamani = timezone.now()
    instance.version = 1
    return instance


@transaction.atomic
def feature_create(*, layer: type[Layer], feature: FeatureInput, user=None, reason: str = "") -> Model:
    """Validate and store one new feature of `layer`."""
    instance = _build(layer, feature)
    check_edit(user=user, layer=layer, geometries=[getattr(instance, layer.geometry_field)])
    if instance.tucbs_no is None:
        instance.tucbs_no = reserve_tucbs_numbers(layer)
    instance.full_clean()
    check_topology(layer, instance)
    instance.save()
    _versioned("create", layer, instance, user, reason)
    return instance


def _bulk_unique_errors(layer: type[Layer], instances: list[Model]) -> dict[str, list[str]]:
    """Set-based uniqueness and reference checks for a batch (one query per field, not per row)."""
    errors: dict[str, list[str]] = {}
    model = layer.model
    for field in model._meta.concrete_fields:
        values = [getattr(i, field.attname) for i in instances]
        present = [v for v in values if v is not None]
        if field.unique and not field.primary_key:
            seen, dupes = set(), set()
            for v in present:
                (dupes if v in seen else seen).add(v)
            dupes |= set(
                model.objects.filter(**{f"{field.attname}__in": list(seen)})
                .values_list(field.attname, flat=True)
            )
            if dupes:
                errors[field.column] = [
                    _("These values already exist: %(values)s")
                    % {"values": ", ".join(map(str, sorted(dupes)[:10]))}
                ]
        if field.is_relation and present:
            target = field.target_field
            known = set(
                field.related_model.objects.filter(**{f"{target.attname}__in": set(present)})
                .values_list(target.attname, flat=True)
            )
            if field.related_model is model:  # a tree inside the batch (a device's uplink)
                known |= {getattr(i, target.attname) for i in instances}
            missing = sorted(set(present) - known)
            if missing:
                errors[field.column] = [
                    _("These referenced features do not exist: %(values)s")
                    % {"values": ", ".join(map(str, missing[:10]))}
                ]
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields:
            keys = [tuple(getattr(i, model._meta.get_field(f).attname) for f in fields) for i in instances]
            if len(set(keys)) != len(keys):
                errors[", ".join(fields)] = [_("The combination of %(fields)s must be unique.")
                                             % {"fields": ", ".join(fields)}]
    return errors


@transaction.atomic
def features_bulk_create(
    *, layer: type[Layer], features: Iterable[FeatureInput], user=None, batch_size: int = 1000
) -> int:
    """Validate every feature, then store all of them or none (errors name the feature index).

    Row checks run in Python; uniqueness and references are checked once for the whole batch,
    and the database constraints stay the last line of defence.
    """
    instances: list[Model] = []
    errors: dict[str, list[str]] = {}
    relations = [f.name for f in layer.model._meta.concrete_fields if f.is_relation]
    for index, feature in enumerate(features, start=1):
        try:
            instance = _build(layer, feature)
            unnumbered = ["tucbs_no"] if instance.tucbs_no is None else []  # numbered below
            instance.full_clean(exclude=relations + unnumbered, validate_unique=False, validate_constraints=False)
            instances.append(instance)
        except ValidationError as exc:
            messages = [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
            errors[_("feature %(n)d") % {"n": index}] = messages
        if len(errors) >= 20:  # enough to act on; don't drown the user
            break
    unnumbered = [i for i in instances if i.tucbs_no is None]
    if unnumbered and not errors:
        first = reserve_tucbs_numbers(layer, len(unnumbered))
        for offset, instance in enumerate(unnumbered):
            instance.tucbs_no = first + offset
    if not errors:
        errors = _bulk_unique_errors(layer, instances)
    if errors:
        raise ValidationError(errors)
    check_edit(user=user, layer=layer, geometries=[getattr(i, layer.geometry_field) for i in instances])
    layer.model.objects.bulk_create(instances, batch_size=batch_size)
    warnings = batch_topology(layer, "SELECT unnest(%s::bigint[]) AS id", [[i.pk for i in instances]])
    numbers = [i.tucbs_no for i in instances]
    bump_generation(layer)
    from .versioning import record_versions

    written = record_versions(layer, ids_sql="SELECT unnest(%(ids)s::bigint[])", params={"ids": [i.pk for i in instances]},
                              operation="create", when=timezone.now(), user=user)
    audit_record(action="bulk_create", object_type=f"layer:{layer.name}",
                 object_repr=str(layer.title), user=user,
                 after={"count": len(instances), "tucbsNo_min": min(numbers, default=None),
                        "tucbsNo_max": max(numbers, default=None), "topology_warnings": warnings,
                        "history": written.as_audit()})
    return len(instances)


def batch_topology(layer: type[Layer], ids_sql: str, params=(), large: bool = False,
                   answered: dict | None = None) -> dict[str, list[int]]:
    """The layer's topology rules over a stored batch (the ids `ids_sql` selects): errors undo it
    (the caller's transaction), warnings are returned as {message: [tucbsNo, ...]} for the audit record.
    `large`: the batch is mostly updated rows and most of the layer (TopologyRule.large_batch).
    `answered`: {rule: [tucbsNo, ...]} already found for this batch (TopologyRule.of_import)."""
    from .topology import ERROR, batch_table

    if not layer.topology:
        return {}
    answered = answered or {}
    errors, warnings = {}, {}
    found = {rule: answered[rule] for rule in layer.topology if rule in answered}
    if len(found) < len(layer.topology):
        with batch_table(ids_sql, params) as batch:
            found.update({rule: rule.violators(batch, large) for rule in layer.topology if rule not in found})
    for rule in layer.topology:
        bad = found[rule]
        if bad:
            shown = ", ".join(map(str, bad[:20])) + (" …" if len(bad) > 20 else "")
            if rule.kind == ERROR:
                errors[str(rule.message)] = [_("tucbsNo %(numbers)s (%(count)d features)")
                                             % {"numbers": shown, "count": len(bad)}]
            else:
                warnings[str(rule.message)] = bad[:100]
    if errors:
        raise ValidationError(errors)
    return warnings


@transaction.atomic
def feature_save(*, layer: type[Layer], instance: Model, user=None) -> Model:
    """Store an instance changed by a form (admin): same checks and version bump as the API."""
    geom = getattr(instance, layer.geometry_field)
    if geom is not None:
        geom = to_storage(geom, geometry_type=layer.geometry_type())
        setattr(instance, layer.geometry_field, geom)
    check_edit(user=user, layer=layer, geometries=[geom])
    before = None
    if instance.pk is not None:
        before = feature_snapshot(layer, layer.model.objects.get(pk=instance.pk))
    if instance.pk is None:
        instance.version = 1
        if instance.tucbs_no is None:
            instance.tucbs_no = reserve_tucbs_numbers(layer)
    else:
        instance.version += 1
    instance.surum_baslangic_zamani = timezone.now()
    instance.full_clean()
    layer.check_change(before, instance)
    check_topology(layer, instance)
    instance.save()
    _versioned("update" if before else "create", layer, instance, user)
    return instance


@transaction.atomic
def feature_update(
    *, layer: type[Layer], instance: Model, properties: Mapping[str, Any],
    geometry: Any = None, user=None, expected_version: int | None = None, operation: str = "update",
    reason: str = "",
) -> Model:
    """Change attributes and/or geometry of a stored feature and bump its version.

    With `expected_version` (the version the editor saw) a concurrent save is refused with
    VersionConflict instead of being overwritten. Returns the stored (fresh) instance.
    """
    instance = _lock_current(layer, instance, expected_version)
    before = feature_snapshot(layer, instance)
    old_geometry = getattr(instance, layer.geometry_field).clone()
    for attname, value in _attributes(layer, properties).items():
        if attname == "tucbs_no":
            continue  # the stable id never changes
        setattr(instance, attname, value)
    if geometry is not None:
        geom = to_storage(parse_geometry(geometry), geometry_type=layer.geometry_type())
        setattr(instance, layer.geometry_field, geom)
    # Both the old and the new place must be inside the user's area.
    check_edit(user=user, layer=layer,
               geometries=[getattr(instance, layer.geometry_field), old_geometry])
    instance.version += 1
    instance.surum_baslangic_zamani = timezone.now()
    instance.full_clean()
    layer.check_change(before, instance)
    check_topology(layer, instance)
    instance.save()
    _versioned(operation, layer, instance, user, reason)
    return instance


@transaction.atomic
def feature_delete(
    *, layer: type[Layer], instance: Model, user=None, expected_version: int | None = None, reason: str = "",
) -> None:
    """Delete a feature (refused with a clear message while others reference it); its history
    ends with a tombstone holding its last state, from which it can be restored."""
    from django.db.models import ProtectedError

    instance = _lock_current(layer, instance, expected_version)
    check_edit(user=user, layer=layer, geometries=[getattr(instance, layer.geometry_field)])
    _versioned("delete", layer, instance, user, reason, tombstone=True)
    try:
        instance.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("This feature is referenced by %(count)d other features and cannot be deleted.")
            % {"count": len(exc.protected_objects)}
        ) from exc



@transaction.atomic
def feature_undelete(*, layer: type[Layer], tucbs_no: int, properties: Mapping[str, Any], geometry: Any,
                     version: int, user=None, reason: str = "") -> Model:
    """Bring a deleted feature back under its own tucbsNo with the given state (a version from its
    history): checked like a new feature, stored as version `version` (after its tombstone)."""
    if layer.model.objects.filter(tucbs_no=tucbs_no).exists():
        raise ValidationError(_("A feature with this number exists; restore its versions instead."))
    instance = _build(layer, FeatureInput({k: v for k, v in properties.items() if k != "tucbsNo"}, geometry))
    instance.tucbs_no = tucbs_no
    instance.version = version
    check_edit(user=user, layer=layer, geometries=[getattr(instance, layer.geometry_field)])
    instance.full_clean()
    check_topology(layer, instance)
    instance.save()
    _versioned("restore", layer, instance, user, reason)
    return instance


@dataclass(frozen=True)
class AttributeChange:
    """New attribute values for one stored feature, with the version the editor saw."""

    tucbs_no: int
    version: int
    properties: Mapping[str, Any]


class BatchConflict(Exception):
    """Features of a batch were saved by someone else after the editor read them."""

    def __init__(self, conflicts: dict[int, int]):
        numbers = ", ".join(f"#{n}" for n in sorted(conflicts)[:20])
        super().__init__(_("Someone else changed or deleted %(numbers)s meanwhile. Reload the table and "
                           "apply your change again.") % {"numbers": numbers})
        self.conflicts = conflicts  # tucbsNo -> stored version (0: deleted)


@transaction.atomic
def features_update_attributes(*, layer: type[Layer], changes: Iterable[AttributeChange], user=None,
                               reason: str = "") -> list[Model]:
    """Attribute edits of several features at once (a table cell, or one value applied to a column
    of a selection): all of them or none. Each feature goes through `feature_update` (permission,
    editing area, validation, its own version in the history table and its own audit record)
    inside this one transaction; a refused feature or a version conflict undoes the whole batch."""
    changes = list(changes)
    errors: dict[str, list[str]] = {}
    conflicts: dict[int, int] = {}
    stored = layer.model.objects.in_bulk([c.tucbs_no for c in changes], field_name="tucbs_no")
    written = []
    for change in changes:
        instance = stored.get(change.tucbs_no)
        if instance is None:
            conflicts[change.tucbs_no] = 0
            continue
        try:
            written.append(feature_update(layer=layer, instance=instance, properties=change.properties,
                                          user=user, expected_version=change.version, reason=reason))
        except VersionConflict as exc:
            conflicts[change.tucbs_no] = exc.current
        except ValidationError as exc:
            messages = [m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms]
            errors[f"#{change.tucbs_no}"] = messages
    if conflicts:
        raise BatchConflict(conflicts)
    if errors:
        raise ValidationError(errors)
    return written
