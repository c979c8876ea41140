"""Report figures against hand-computed values on a small fixed data set; XLSX and PDF contain
them; the pages through the permission surface."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from backoffice.reports import selectors
from backoffice.reports.period import Period, period_from
from backoffice.reports.report import activity_report, to_pdf, to_xlsx
from backoffice.tickets import services
from backoffice.tickets.models import Category, Status
from cbs.testing import Route, assert_route_permissions, make_user

IST = ZoneInfo("Europe/Istanbul")
JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=IST)


@pytest.fixture
def june(db):
    """Five tickets: resolved after 2 h, 24 h, 67 h (over a weekend, on time) and 216 h (late);
    one CİMER request still open."""
    from backoffice.tickets.services import TicketInput

    tech = make_user(("module:tickets", "edit"))
    computer = Category.objects.get(name="Bilgisayar")

    def ticket(opened, priority=3, channel="telefon"):
        return services.ticket_open(now=opened, data=TicketInput(
            title="T", description="d", channel=channel, category=computer, priority=priority,
            requester_name="V", requester_phone="0212 000 00 00", consent_note="sözlü", address="Zeytinburnu"))

    for opened, resolved, priority in ((at(1, 9), at(1, 11), 3), (at(1, 9), at(2, 9), 3),
                                       (at(5, 16), at(8, 11), 1), (at(1, 9), at(10, 9), 3)):
        t = ticket(opened, priority)
        services.ticket_assign(ticket=t, assignee=tech, user=tech, now=opened, notify=False)
        services.ticket_transition(ticket=t, status=Status.RESOLVED, note="ok", user=tech, now=resolved,
                                   notify=False)
    ticket(at(2, 10), channel="cimer")
    return tech


class FigureTests:
    def test_totals_and_sla_compliance_across_a_weekend(self, june):
        totals = selectors.ticket_totals(JUNE)
        assert (totals["opened"], totals["resolved"], totals["on_time"]) == (5, 4, 3)
        assert totals["sla_compliance"] == 75.0  # the weekend ticket (67 h wall) was on time

    def test_median_and_p90_resolution_hours(self, june):
        (row,) = selectors.resolution_hours_by_category(JUNE)
        assert row["category"] == "Donanım" and row["resolved"] == 4
        assert float(row["median_hours"]) == 45.5  # (24 + 67) / 2
        assert float(row["p90_hours"]) == 171.3  # 67 + 0.7 × (216 − 67)

    def test_channels_and_cimer_outcome(self, june):
        rows = {r["channel"]: r for r in selectors.by_channel(JUNE)}
        assert (rows["telefon"]["opened"], rows["telefon"]["done"]) == (4, 4)
        assert (rows["cimer"]["opened"], rows["cimer"]["still_open"]) == (1, 1)

    def test_weeks_and_period_boundaries(self, june):
        weeks = {r["week"]: (r["opened"], r["resolved"]) for r in selectors.tickets_per_week(JUNE)}
        assert weeks["2026-W23"] == (5, 2) and weeks["2026-W24"] == (0, 2)
        assert selectors.ticket_totals(Period(date(2026, 7, 1), date(2026, 7, 31)))["opened"] == 0

    def test_periods(self):
        assert period_from("week", day=date(2026, 6, 3)) == Period(date(2026, 6, 1), date(2026, 6, 7))
        assert period_from("month", day=date(2026, 2, 10)) == Period(date(2026, 2, 1), date(2026, 2, 28))
        assert period_from("year", day=date(2026, 6, 3)).last == date(2026, 12, 31)


class ExportTests:
    def test_xlsx_and_pdf_contain_the_figures(self, june):
        from openpyxl import load_workbook
        from pypdf import PdfReader

        report = activity_report(JUNE)
        book = load_workbook(io.BytesIO(to_xlsx(report)))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
        assert 45.5 in cells and 171.3 in cells and "2026-06-01" in " ".join(map(str, cells))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(report))).pages)
        assert "45.5" in text and "171.3" in text and "2026-06-30" in text


ROUTES = [
    Route("dashboard", lambda: reverse("reports:dashboard"), ("module:reports", "view")),
    Route("activity report", lambda: reverse("reports:activity") + "?period=month", ("module:reports", "view")),
    Route("activity XLSX", lambda: reverse("reports:activity") + "?period=year&format=xlsx", ("module:reports", "view")),
    Route("activity PDF", lambda: reverse("reports:activity") + "?period=week&format=pdf", ("module:reports", "view")),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_permission_surface(client, db, route):
    assert_route_permissions(client, route)


def test_dashboard_charts_show_labels_not_codes(client, june):
    """The charts' texts are the translated labels of statuses, SLA states, assets and layers."""
    import json
    import re

    client.force_login(make_user(("module:reports", "view")))
    page = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert [(r["label"], r["count"]) for r in data["status"]] == [("Yeni", 1)]
    assert [(r["label"], r["count"]) for r in data["assignee"]] == [("Atanmamış", 1)]
    assert [(r["state"], r["label"]) for r in data["sla"]] == [("breached", "Aşıldı")]
    assert data["names"]["opened"] == "Açılan"
    for row in data["assets"]:
        assert row["type_label"].startswith(("Kamera: ", "Cihaz: ")) and row["status_label"] != row["status"]
    assert not {r["layer"] for r in data["edits"]} & {"bi-bina", "kh-hizmet", "ad-numarataj"}


def test_bad_period_is_a_clear_400(client, db):
    client.force_login(make_user(("module:reports", "view")))
    response = client.get(reverse("reports:activity"), {"period": "custom", "first": "2026-05-01",
                                                        "last": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "end" in response.content.decode()
    assert client.get(reverse("reports:activity"), {"period": "month", "day": "yesterday"}).status_code == 400


class ThematicTests:
    def test_coverage_share_of_a_known_road(self, db):
        """With one 360° camera of 50 m range on a road's straight middle, far from other roads,
        the mahalle's coverage is 100 m of road over its total road length."""
        from django.db import connection

        from backoffice.assets.models import Camera
        from backoffice.reports.thematic import theme_data
        from layers.models import Mahalle, Yol

        Camera.objects.update(durum="hizmetDisi")
        road = Yol.objects.order_by("tucbs_no").first()
        with connection.cursor() as cursor:  # a point on the road 40 % along, and its mahalle
            cursor.execute("SELECT ST_LineInterpolatePoint(geom, 0.4) FROM layers_yol WHERE id = %s", [road.pk])
            point = cursor.fetchone()[0]
        camera = Camera.objects.order_by("tucbs_no").first()
        Camera.objects.filter(pk=camera.pk).update(durum="aktif", geom=point, gorus_acisi=360, menzil=50)
        camera.refresh_from_db()
        mahalle = Mahalle.objects.get(geom__contains=camera.geom)
        with connection.cursor() as cursor:
            cursor.execute("""SELECT sum(ST_Length(ST_Intersection(y.geom, m.geom))),
                                     sum(ST_Length(ST_Intersection(ST_Intersection(y.geom, m.geom),
                                                                   ST_Buffer(%s::geometry, 50, 64))))
                              FROM layers_yol y, layers_mahalle m WHERE m.id = %s AND ST_Intersects(y.geom, m.geom)""",
                           [camera.geom.ewkt, mahalle.pk])
            total, seen = cursor.fetchone()
        values = dict(theme_data("coverage", JUNE).rows)
        assert abs(values[mahalle.adi] - round(100 * seen / total, 1)) <= 0.2
        assert all(v == 0 for name, v in values.items() if name != mahalle.adi)

    def test_maps_are_local_html_and_png(self, client, june):
        from PIL import Image

        client.force_login(make_user(("module:reports", "view")))
        html = client.get(reverse("reports:thematic_map", args=["tickets", "html"]), {"period": "month", "day": "2026-06-15"})
        body = html.content.decode()
        assert html.status_code == 200 and "http://" not in body and "https://" not in body
        # The shared map module, no inline script: the site's policy, framed only by our own pages.
        assert "/static/cbs/js/kentmap.js" in body and "<script>" not in body
        policy = html["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'self'" in policy
        assert html["X-Frame-Options"] == "SAMEORIGIN"
        assert '"legend": [' in body and body.count('class="thematic-class"') == 5
        png = client.get(reverse("reports:thematic_map", args=["density", "png"]))
        assert Image.open(io.BytesIO(png.content)).size == (900, 700)
        assert client.get(reverse("reports:thematic_map", args=["nope", "html"])).status_code == 404


def test_report_page_embeds_the_maps_of_its_period(client, june):
    client.force_login(make_user(("module:reports", "view")))
    body = client.get(reverse("reports:activity"), {"period": "month", "day": "2026-06-10"}).content.decode()
    assert "/reports/maps/coverage.png?period=custom&amp;first=2026-06-01&amp;last=2026-06-30" in body


def test_activity_xlsx_quotes_formula_text(client, db):
    """Names stored by users (category, unit, technician, mahalle, editor) that a spreadsheet would
    run as formulas are text cells after a quote in the XLSX download; figures stay numbers."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from backoffice.assets.models import Staff, Unit
    from backoffice.tickets.services import TicketInput
    from layers.models import Mahalle
    from layers.registry import get_layer
    from layers.services import feature_update
    from tests.spreadsheets import PAYLOADS, quoted, xlsx_cells

    hyperlink, plus, minus, at, tab, cr, *full_width = PAYLOADS
    category = Category.objects.create(name=hyperlink, team=Category.objects.get(name="Bilgisayar").team)
    tech = make_user(("module:tickets", "edit"), ("layer:id-mahalle", "edit"))
    get_user_model().objects.filter(pk=tech.pk).update(username=plus)
    tech.refresh_from_db()
    staff = Staff.objects.create(registry_no="F-1", name="Formül", unit=Unit.objects.create(name=at))
    now = timezone.now()
    ticket = services.ticket_open(now=now, data=TicketInput(
        title="T", description="d", channel="telefon", category=category, priority=3, requester_staff=staff,
        address="Zeytinburnu"))
    services.ticket_assign(ticket=ticket, assignee=tech, user=tech, now=now, notify=False)
    services.ticket_transition(ticket=ticket, status=Status.RESOLVED, note="ok", user=tech, now=now,
                               notify=False)
    mahalle = get_layer("id-mahalle")
    names = [minus, tab, cr, *full_width]
    for instance, name in zip(Mahalle.objects.order_by("tucbs_no"), names, strict=False):
        feature_update(layer=mahalle, instance=instance, properties={"adi": name}, user=tech)

    client.force_login(make_user(("module:reports", "view")))
    today = timezone.localdate().isoformat()
    response = client.get(reverse("reports:activity"), {"period": "custom", "first": today, "last": today,
                                                        "format": "xlsx"})
    assert response.status_code == 200
    cells = xlsx_cells(response.content)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {quoted(p) for p in (hyperlink, plus, at, *names)} <= texts
    assert any(c.data_type == "n" and c.value == 1 for c in cells)  # the figures stay numbers
