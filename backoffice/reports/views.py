"""Managers' pages: the dashboard (charts) and the activity report for any period (tables,
printable, XLSX and PDF downloads); every figure comes from `selectors` (SQL) – on the read
replica when one is configured (cbs.db; after the permission check, which reads the primary)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice.assets.selectors import expiring
from cbs.db import replica_reads
from cbs.http import digits
from cbs.permissions import module_required

from . import labels, selectors
from .period import period_from
from .report import activity_report, to_pdf, to_xlsx


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value[:40]}) from None


def _period_of(request: HttpRequest, default: str):
    """?period=week|month|year|custom&day=…&first=…&last=… (ValidationError when unusable)."""
    return period_from(request.GET.get("period", default), day=_date(request.GET.get("day")),
                       first=_date(request.GET.get("first")), last=_date(request.GET.get("last")))


@require_GET
@module_required("reports")
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    year = period_from("year")
    today = timezone.localdate()  # the last 12 weeks up to now (not the empty weeks to the year end)
    weeks = period_from("custom", first=today - timedelta(weeks=12), last=today)
    # Codes stay for colours; every text a chart shows is a translated label.
    data = {
        "weeks": selectors.tickets_per_week(weeks),
        "status": [{**r, "label": labels.status(r["label"])} for r in selectors.open_by("status")],
        "team": [{**r, "label": labels.team(r["label"])} for r in selectors.open_by("team")],
        "assignee": [{**r, "label": labels.assignee(r["label"])} for r in selectors.open_by("assignee")],
        "sla": [{**r, "label": labels.sla_state(r["state"])} for r in selectors.sla_states_now()],
        "resolution": [{**r, "median_hours": float(r["median_hours"] or 0), "p90_hours": float(r["p90_hours"] or 0)}
                       for r in selectors.resolution_hours_by_category(year)],
        "assets": [{**r, "type_label": labels.asset_type(r["kind"], r["type"]),
                    "status_label": labels.asset_status(r["status"])} for r in selectors.assets_by_type_and_status()],
        "edits": [{**r, "layer": labels.layer(r["layer"])} for r in selectors.layer_edits(weeks)],
        "names": {"opened": _("Opened"), "resolved": _("Resolved"), "median": _("Median"),
                  "p90": _("90th percentile")},
    }
    return render(request, "reports/dashboard.html", {
        "data": data, "totals": selectors.ticket_totals(year), "period": year,
        "expiring": expiring(90)[:20]})


@require_GET
@module_required("reports")
@replica_reads
def activity(request: HttpRequest) -> HttpResponse:
    """?period=week|month|year|custom&day=…&first=…&last=…&format=html|xlsx|pdf"""
    try:
        period = _period_of(request, "month")
    except ValidationError as exc:
        return render(request, "reports/activity.html", {"error": " ".join(exc.messages)}, status=400)
    report = activity_report(period)
    fmt = request.GET.get("format", "html")
    name = f"faaliyet-raporu-{period.first}-{period.last}"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(report), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(to_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    from . import thematic

    map_query = f"period=custom&first={period.first}&last={period.last}"
    return render(request, "reports/activity.html", {
        "report": report, "query": request.GET.urlencode(), "map_query": map_query,
        "maps": [(key, str(title)) for key, (title, _sql) in thematic.THEMES.items()]})


MAP_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; connect-src 'none'; frame-ancestors 'self'")


@require_GET
@module_required("reports")
@replica_reads
def thematic_map(request: HttpRequest, theme: str, fmt: str) -> HttpResponse:
    """A thematic map for the period as a folium HTML document (its own inline scripts, hence
    its own CSP; everything from our static files) or a PNG."""
    from django.http import Http404

    from . import thematic

    if theme not in thematic.THEMES or fmt not in ("html", "png", "pdf"):
        raise Http404
    try:
        period = _period_of(request, "year")
        category = _category(request.GET.get("category"))
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    data = thematic.theme_data(theme, period, category)
    if fmt == "pdf":
        response = HttpResponse(thematic.to_pdf(data, f"{period.first} – {period.last}"),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{theme}-{period.first}-{period.last}.pdf"'
        return response
    if fmt == "png":
        response = HttpResponse(thematic.to_png(data), content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="{theme}-{period.first}-{period.last}.png"'
        return response
    response = HttpResponse(thematic.to_html(data), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = MAP_CSP
    return response


def _category(raw: str | None) -> int | None:
    """?category= of a thematic map: a help-desk category's id (ValidationError otherwise)."""
    from backoffice.tickets.models import Category

    if not raw:
        return None
    pk = digits(raw)
    if pk is None or not Category.objects.filter(pk=pk).exists():
        raise ValidationError(_("Unknown category."))
    return pk


@require_GET
@module_required("reports")
@replica_reads
def maps(request: HttpRequest) -> HttpResponse:
    from . import thematic

    query = request.GET.urlencode()
    return render(request, "reports/maps.html", {
        "themes": [(key, str(title)) for key, (title, _sql) in thematic.THEMES.items()], "query": query})
