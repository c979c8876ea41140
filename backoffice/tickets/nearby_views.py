""""Yakınımda" (issue 20.3): assets and open tickets within a radius of the device position,
nearest first. Each kind only for users whose module grant lets them see it."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice.assets import selectors as asset_selectors
from backoffice.assets.models import DeviceStatus
from cbs.accounts.selectors import user_can
from cbs.http import BadInput

from . import selectors

RADIUS_MIN, RADIUS_MAX = 100, 2000  # metres, as offered on the map


def _number(request: HttpRequest, name: str, low: float, high: float) -> float:
    raw = request.GET.get(name, "")
    try:
        value = float(raw) if len(raw) <= 30 else None
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:  # value != value: NaN
        raise BadInput(_("%(name)s must be a number between %(low)s and %(high)s.")
                       % {"name": name, "low": low, "high": high})
    return value


@require_GET
def near_me(request: HttpRequest) -> JsonResponse:
    """JSON list of {kind, kind_label, title, status, distance, lon, lat, url} for lon/lat/r."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to see what is near you.")}, status=401)
    see_assets = user_can(request.user, "module:assets", "view")
    see_tickets = user_can(request.user, "module:tickets", "view")
    if not (see_assets or see_tickets):
        return JsonResponse({"error": _("You may not see assets or tickets.")}, status=403)
    try:
        lon = _number(request, "lon", -180, 180)
        lat = _number(request, "lat", -90, 90)
        radius = _number(request, "r", RADIUS_MIN, RADIUS_MAX)
    except BadInput as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    point = asset_selectors.storage_point(lon, lat)
    rows = []
    if see_assets:
        labels = {"lokasyon": _("Site"), "cihaz": _("Network device"), "kamera": _("Camera")}
        statuses = dict(DeviceStatus.choices)
        rows += [{"kind": hit.kind, "kind_label": labels[hit.kind], "title": hit.title,
                  "status": str(statuses.get(hit.status, "")), "distance": hit.distance_m,
                  "lon": hit.lon, "lat": hit.lat, "url": asset_selectors.asset_url(hit.kind, hit.id)}
                 for hit in asset_selectors.assets_near(point, radius)]
    if see_tickets:
        rows += [{"kind": "talep", "kind_label": _("Ticket"), "title": f"{t.number} · {t.title}",
                  "status": t.get_status_display(), "distance": round(distance, 1),
                  "lon": t.lonlat.x, "lat": t.lonlat.y, "url": reverse("tickets:detail", args=[t.number])}
                 for t, distance in selectors.tickets_near(point, radius)]
    rows.sort(key=lambda row: (row["distance"], row["kind"], row["title"]))
    return JsonResponse({"radius": radius, "results": rows}, json_dumps_params={"ensure_ascii": False})
