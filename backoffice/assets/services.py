"""Writes to the IT inventory: custody (zimmet), moves, licence seats and maintenance records.

Every function checks the assets module grant, validates with clear messages, writes in one
transaction and appends to the audit trail. Spatial assets (sites, devices, cameras, fiber links)
are written through the layer services (`layers.services`) with their registry entries, which
apply the same checks plus the status lifecycle (`lifecycle.py`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.accounts.selectors import user_can
from cbs.audit.services import audit_model_write, model_snapshot

from .models import (
    Assignment, InventoryItem, ItemStatus, License, LicenseSeat, MaintenanceRecord, Movement, Staff, Unit,
)
from .models.maintenance import ASSET_FIELDS


def check_assets_edit(user) -> None:
    """PermissionDenied unless the user may edit assets (None = a management command)."""
    if user is not None and not user_can(user, "module:assets", "edit"):
        raise PermissionDenied(_("You may not change assets."))


def _saved(obj, action: str, before: dict | None, user):
    obj.full_clean()
    obj.save()
    audit_model_write(action=action, obj=obj, before=before, after=model_snapshot(obj), user=user)
    return obj


def _touch(item: InventoryItem, user, **changes) -> InventoryItem:
    before = model_snapshot(item)
    for name, value in changes.items():
        setattr(item, name, value)
    item.version += 1
    return _saved(item, "update", before, user)


@transaction.atomic
def reference_create(model: type[Unit | Staff | License], *, user=None, **fields):
    """A unit, a member of staff or a licence (the admin offers the same, audited)."""
    check_assets_edit(user)
    if model not in (Unit, Staff, License):
        raise ValueError(model)
    return _saved(model(**fields), "create", None, user)


@transaction.atomic
def item_create(*, user=None, **fields) -> InventoryItem:
    check_assets_edit(user)
    return _saved(InventoryItem(**fields), "create", None, user)


@transaction.atomic
def item_assign(*, item: InventoryItem, staff: Staff, document_no: str, on: date | None = None,
                note: str = "", user=None) -> Assignment:
    """Give an item into a person's custody against a signed record; one holder at a time."""
    check_assets_edit(user)
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    on = on or timezone.localdate()
    current = item.assignments.filter(returned_on__isnull=True).select_related("staff").first()
    if current is not None:
        raise ValidationError({"item": _("%(item)s is already held by %(staff)s since %(since)s; "
                                         "record its return first.")
                               % {"item": item, "staff": current.staff.name, "since": current.assigned_on}})
    if item.status in (ItemStatus.RETIRED, ItemStatus.FAULTY):
        raise ValidationError({"item": _("A %(status)s item cannot be assigned.")
                               % {"status": item.get_status_display().lower()}})
    if not staff.active:
        raise ValidationError({"staff": _("%(staff)s is no longer active.") % {"staff": staff.name}})
    if not document_no.strip():
        raise ValidationError({"document_no": _("The signed record number (zimmet tutanağı) is required.")})
    assignment = _saved(Assignment(item=item, staff=staff, assigned_on=on, document_no=document_no.strip(),
                                   note=note), "create", None, user)
    _touch(item, user, status=ItemStatus.ASSIGNED, unit=staff.unit)
    return assignment


@transaction.atomic
def item_return(*, item: InventoryItem, on: date | None = None, faulty: bool = False,
                user=None) -> Assignment:
    """Record the return of an item to stock (or as faulty)."""
    check_assets_edit(user)
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    assignment = item.assignments.filter(returned_on__isnull=True).first()
    if assignment is None:
        raise ValidationError({"item": _("%(item)s is not assigned to anyone.") % {"item": item}})
    before = model_snapshot(assignment)
    assignment.returned_on = on or timezone.localdate()
    _saved(assignment, "update", before, user)
    _touch(item, user, status=ItemStatus.FAULTY if faulty else ItemStatus.IN_STOCK)
    return assignment


@transaction.atomic
def item_move(*, item: InventoryItem, to_unit: Unit, on: date | None = None, note: str = "",
              user=None) -> Movement:
    """Move an item (not held by anyone) to another unit."""
    check_assets_edit(user)
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    if item.assignments.filter(returned_on__isnull=True).exists():
        raise ValidationError({"item": _("Record the return of %(item)s before moving it.") % {"item": item}})
    if item.unit_id == to_unit.pk:
        raise ValidationError({"to_unit": _("The item already belongs to %(unit)s.") % {"unit": to_unit}})
    movement = _saved(Movement(item=item, from_unit=item.unit, to_unit=to_unit,
                               moved_on=on or timezone.localdate(), note=note), "create", None, user)
    _touch(item, user, unit=to_unit)
    return movement


@transaction.atomic
def license_seat_assign(*, license: License, item: InventoryItem | None = None,
                        staff: Staff | None = None, on: date | None = None, user=None) -> LicenseSeat:
    """Give one seat of a licence to a device or a person, within the seats bought."""
    check_assets_edit(user)
    license = License.objects.select_for_update().get(pk=license.pk)
    on = on or timezone.localdate()
    if license.expires_on and license.expires_on < on:
        raise ValidationError({"license": _("The licence expired on %(date)s.") % {"date": license.expires_on}})
    used = license.seat_assignments.filter(released_on__isnull=True).count()
    if used >= license.seats:
        raise ValidationError({"license": _("All %(seats)d seats of %(license)s are in use.")
                               % {"seats": license.seats, "license": license.name}})
    return _saved(LicenseSeat(license=license, item=item, staff=staff, assigned_on=on), "create", None, user)


@transaction.atomic
def license_seat_release(*, seat: LicenseSeat, on: date | None = None, user=None) -> LicenseSeat:
    check_assets_edit(user)
    if seat.released_on is not None:
        raise ValidationError({"seat": _("The seat is already released.")})
    before = model_snapshot(seat)
    seat.released_on = on or timezone.localdate()
    return _saved(seat, "update", before, user)


@transaction.atomic
def maintenance_record_create(*, asset, technician, done_on: date, fault: str, action: str,
                              outcome: str, parts: str = "", user=None) -> MaintenanceRecord:
    """Record maintenance of any asset (site, device, camera, fiber link or inventory item)."""
    check_assets_edit(user)
    field = {"Site": "site", "NetworkDevice": "device", "Camera": "camera", "FiberLink": "fiber",
             "InventoryItem": "item"}.get(type(asset).__name__)
    if field not in ASSET_FIELDS:
        raise ValidationError({"asset": _("Maintenance can be recorded for sites, devices, cameras, "
                                          "fiber links and inventory items.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date lies in the future.")})
    record = MaintenanceRecord(technician=technician, done_on=done_on, fault=fault, action=action,
                               outcome=outcome, parts=parts, **{field: asset})
    return _saved(record, "create", None, user)


@transaction.atomic
def item_repaired(*, item: InventoryItem, user=None) -> InventoryItem:
    """A faulty inventory item works again: back with its holder if it has one, else in stock."""
    check_assets_edit(user)
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ItemStatus.FAULTY:
        raise ValidationError({"item": _("%(item)s is not marked faulty.") % {"item": item}})
    held = item.assignments.filter(returned_on__isnull=True).exists()
    return _touch(item, user, status=ItemStatus.ASSIGNED if held else ItemStatus.IN_STOCK)
