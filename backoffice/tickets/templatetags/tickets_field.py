"""{% field_actions ticket %}: the technician's block on the ticket page (issue 20.2) – call the
requester, directions, a photo from the camera, log work, resolve (with the asset options)."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse

from cbs.accounts.selectors import user_can

from ..field_forms import ResolveOnSiteForm, WorkLogForm
from ..models import Status
from ..resolution import asset_can_be_reactivated, ticket_asset
from ..workflow import ALLOWED

register = template.Library()


def tel_href(phone: str) -> str:
    """'0532 123 45 67' → 'tel:05321234567' (digits and a leading +), '' when there are none."""
    cleaned = re.sub(r"[^\d+]", "", phone or "")
    cleaned = cleaned[:1] + cleaned[1:].replace("+", "")
    return f"tel:{cleaned}" if sum(c.isdigit() for c in cleaned) >= 3 else ""


def directions(lonlat) -> dict | None:
    """Links that open the phone's navigation: geo: (Android and most apps), Apple Maps (iOS) and
    Google Maps (anything else). Links only – nothing is loaded from those hosts."""
    if not lonlat:
        return None
    lat, lon = f"{lonlat[1]:.6f}", f"{lonlat[0]:.6f}"
    return {"geo": f"geo:{lat},{lon}?q={lat},{lon}",
            "apple": f"https://maps.apple.com/?daddr={lat},{lon}",
            "google": f"https://www.google.com/maps/dir/?api=1&destination={lat},{lon}"}


@register.inclusion_tag("tickets/_field_actions.html", takes_context=True)
def field_actions(context, ticket):
    user = context["request"].user
    asset = ticket_asset(ticket)
    may_edit_assets = asset is not None and user_can(user, "module:assets", "edit")
    resolvable = Status.RESOLVED in ALLOWED.get(ticket.status, set())
    return {
        "ticket": ticket, "csrf_token": context.get("csrf_token"), "asset": asset,
        "tel": tel_href(ticket.requester_phone), "directions": directions(context.get("lonlat")),
        # field_… ids: the page's own comment and status forms use id_….
        "work_form": WorkLogForm(auto_id="field_%s"), "resolve_form": ResolveOnSiteForm(auto_id="field_%s"),
        "resolvable": resolvable,
        "offer_reactivate": may_edit_assets and asset_can_be_reactivated(asset),
        "offer_maintenance": may_edit_assets,
        "resolve_url": reverse("tickets:resolve_on_site", args=[ticket.number]),
        "detail_url": reverse("tickets:detail", args=[ticket.number]),
    }
