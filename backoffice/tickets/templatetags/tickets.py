"""{% requester ticket masked %}: who asked, with personal fields masked where the role needs no more;
{% sla_badge t %} and {% legal_badge t %}: a ticket's SLA and CİMER deadline badges (a tag, not an
include: the queue shows fifty of each)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timeuntil
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ..selectors import mask

register = template.Library()


@register.simple_tag
def requester(ticket, masked: bool) -> str:
    if ticket.requester_staff_id:
        staff = ticket.requester_staff
        return f"{staff.name} ({staff.unit})" if hasattr(staff, "unit") else str(staff)
    name = ticket.requester_name
    if not (name or ticket.requester_phone or ticket.requester_email):  # a citizen always gives a name
        return _("personal data removed (KVKK retention)")
    return mask(name) if masked else name


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


_SLA = {"breached": ("bg-danger", pgettext_lazy("ticket", "Breached")),
        "risk": ("bg-warning text-dark", pgettext_lazy("ticket", "At risk")),
        "ok": ("bg-success", pgettext_lazy("ticket", "On time"))}
_LEGAL_CLASS = {"overdue": "bg-dark", "warn2": "bg-danger", "late": "bg-danger", "warn7": "bg-warning text-dark",
                "answered": "bg-success"}


@register.simple_tag
def sla_badge(ticket) -> str:
    """The SLA state (annotated by selectors.with_sla_state) as a badge; nothing without an SLA."""
    found = _SLA.get(getattr(ticket, "sla_state", None))
    if found is None:
        return ""
    return format_html('<span class="badge {}">{}</span>', found[0], found[1])


@register.simple_tag
def legal_badge(ticket) -> str:
    """The CİMER answer deadline (annotated by cimer.with_legal_state) as a badge."""
    if not ticket.legal_due:
        return ""
    state = getattr(ticket, "legal_state", None)
    due = timezone.localtime(ticket.legal_due)  # as the template's date filter shows it (local time)
    if state == "overdue":
        text = _("deadline passed")
    elif state == "answered":
        text = _("answered")
    elif state == "late":
        text = _("answered late")
    else:
        text = date_filter(due, "d.m.")
        if state in ("warn2", "warn7"):
            text = f"{text} · {timeuntil(ticket.legal_due)}"
    return format_html('<span class="badge {} cbs-legal" title="{}: {}">{} {}</span>',
                       _LEGAL_CLASS.get(state, "bg-info text-dark"), _("Legal answer deadline"),
                       date_filter(due, "SHORT_DATETIME_FORMAT"), _("CİMER"), text)
