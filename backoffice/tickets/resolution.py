"""Resolving a ticket on site (issue 20.2): when the ticket concerns an asset, the same step can
set the asset back in service and write its maintenance record from the ticket's work log.

Everything goes through the existing services (ticket workflow, layer services with the asset
lifecycle, inventory and maintenance services), inside one transaction: either all of it is
recorded and audited, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.assets import services as asset_services
from backoffice.assets.lifecycle import ALLOWED as ASSET_MOVES
from backoffice.assets.models import DeviceStatus, ItemStatus
from cbs.accounts.selectors import user_can
from layers.registry import get_layer

from . import services
from .models import EventKind, Status, Ticket

# The spatial asset fields of a ticket and their layers (status changes go through the layer services).
_ASSET_LAYERS = {"camera": "kh-kamera", "device": "ay-cihaz", "site": "ay-lokasyon"}


@dataclass
class MaintenanceInput:
    done_on: date
    outcome: str
    parts: str = ""


def ticket_asset(ticket: Ticket):
    """The asset the ticket is about (camera, device, site or inventory item), or None."""
    for name in ("camera", "device", "site", "item"):
        if getattr(ticket, f"{name}_id"):
            return getattr(ticket, name)
    return None


def asset_can_be_reactivated(asset) -> bool:
    """True when the asset is out of service and may go back: a faulty or installed device/camera
    (lifecycle.py), a faulty inventory item. Sites have no status."""
    status = getattr(asset, "durum", None)
    if status is not None:
        return status != DeviceStatus.ACTIVE and DeviceStatus.ACTIVE in ASSET_MOVES.get(status, set())
    return getattr(asset, "status", None) == ItemStatus.FAULTY


def work_log_text(ticket: Ticket) -> str:
    """The ticket's work-log entries, oldest first, one per line (the maintenance record's action)."""
    lines = [e.text.strip() for e in ticket.events.filter(kind=EventKind.WORK).order_by("created_at", "pk")
             if e.text.strip()]
    return "\n".join(lines)


@transaction.atomic
def ticket_resolve_on_site(*, ticket: Ticket, note: str, user, reactivate: bool = False,
                           maintenance: MaintenanceInput | None = None,
                           now: datetime | None = None) -> Ticket:
    """Resolve the ticket (the note goes to the requester); optionally set its asset back to
    active and record the maintenance done, with the work log as the action taken."""
    asset = ticket_asset(ticket)
    if (reactivate or maintenance) and asset is None:
        raise ValidationError({"asset": _("This ticket is not about an asset.")})
    if (reactivate or maintenance) and not user_can(user, "module:assets", "edit"):
        raise ValidationError({"asset": _("You may not change assets.")})
    ticket = services.ticket_transition(ticket=ticket, status=Status.RESOLVED, note=note, user=user, now=now)
    if reactivate:
        if not asset_can_be_reactivated(asset):
            raise ValidationError({"asset": _("%(asset)s cannot be set to active from its current status.")
                                   % {"asset": asset}})
        layer_name = next((layer for field, layer in _ASSET_LAYERS.items() if getattr(ticket, f"{field}_id")), None)
        if layer_name:
            from layers.services import feature_update

            feature_update(layer=get_layer(layer_name), instance=asset, properties={"durum": DeviceStatus.ACTIVE},
                           user=user, reason=_("Ticket %(number)s resolved.") % {"number": ticket.number})
        else:
            asset_services.item_repaired(item=asset, user=user)
    if maintenance is not None:
        action = work_log_text(ticket) or note.strip()
        asset_services.maintenance_record_create(
            asset=asset, technician=user, done_on=maintenance.done_on, fault=f"{ticket.number} {ticket.title}"[:250],
            action=action, outcome=maintenance.outcome, parts=maintenance.parts, user=user)
    return ticket
