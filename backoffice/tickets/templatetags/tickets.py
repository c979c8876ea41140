"""{% requester ticket masked %}: who asked, with personal fields masked where the role needs no more."""

from django import template
from django.utils.translation import gettext as _

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
