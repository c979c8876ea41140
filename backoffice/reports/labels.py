"""What the managers' pages show for the codes the selectors return (status, SLA state, asset
type, layer): the translated labels of the models' choices, never the stored codes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from backoffice.assets.models.cameras import CameraKind
from backoffice.assets.models.network import DeviceStatus, DeviceType
from backoffice.tickets.filters import SLA_CHOICES
from backoffice.tickets.models import Status
from layers.registry import get_layer

from .selectors import NOBODY


def status(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


def sla_state(code: str) -> str:
    return str(dict(SLA_CHOICES).get(code, code))


def asset_type(kind: str, code: str) -> str:
    """'Camera: Traffic', 'Device: Switch' (assets_by_type_and_status rows)."""
    if kind == "kamera":
        return _("Camera: %(kind)s") % {"kind": dict(CameraKind.choices).get(code, code)}
    return _("Device: %(type)s") % {"type": dict(DeviceType.choices).get(code, code)}


def asset_status(code: str) -> str:
    return str(dict(DeviceStatus.choices).get(code, code))


def layer(name: str) -> str:
    try:
        return str(get_layer(name).title)
    except KeyError:  # a layer since removed from the registry still has audit records
        return name


def team(name: str) -> str:
    return _("No team") if name == NOBODY else name


def assignee(name: str) -> str:
    return _("Unassigned") if name == NOBODY else name
