"""Help-desk benchmark: 100 000 generated tickets (one INSERT … SELECT, bench database only);
the queue with filters and the ticket map's GeoJSON, against the bare SQL of the same question."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test import Client

TICKETS = 100_000


def fill(target: int = TICKETS) -> int:
    """Top the tickets table up to `target` rows spread over two years, the district, the
    categories, teams and priorities (deterministic: derived from the row number). As in a
    working help desk, tickets older than 30 days are resolved or closed; the last 30 days mix
    all states (about 2 500 open tickets)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        have = cursor.fetchone()[0]
        if have >= target:
            return have
        cursor.execute("""
            WITH cats AS (SELECT array_agg(c.id ORDER BY c.id) AS ids,
                                 array_agg(coalesce(c.team_id, p.team_id) ORDER BY c.id) AS teams
                          FROM tickets_category c LEFT JOIN tickets_category p ON p.id = c.parent_id),
                 area AS (SELECT ST_Extent(geom)::geometry AS box FROM layers_mahalle),
                 g AS (SELECT n, (n * 7919) %% 1000 / 1000.0 AS fx, (n * 104729) %% 1000 / 1000.0 AS fy,
                              CASE WHEN n %% 730 < 30
                                   THEN (ARRAY['yeni','atandi','islemde','beklemede','cozuldu','kapatildi',
                                               'kapatildi','islemde','cozuldu','atandi'])[1 + n %% 10]
                                   WHEN n %% 3 = 0 THEN 'cozuldu' ELSE 'kapatildi' END AS status
                       FROM generate_series(%s::bigint + 1, %s::bigint) AS n)
            INSERT INTO tickets_ticket (number, title, description, channel, category_id, team_id, priority,
                status, created_at, resolution_due, response_due, resolved_at, paused_seconds, version,
                requester_name, requester_phone, requester_email, consent_note, address, location)
            SELECT 'B-' || lpad(g.n::text, 7, '0'), 'Örnek arıza ' || g.n, 'bench', 'telefon',
                   cats.ids[1 + g.n %% array_length(cats.ids, 1)], cats.teams[1 + g.n %% array_length(cats.ids, 1)],
                   1 + g.n %% 4,
                   g.status,
                   now() - (g.n %% 730) * interval '1 day',
                   now() - (g.n %% 730) * interval '1 day' + (g.n %% 5) * interval '1 day',
                   now() - (g.n %% 730) * interval '1 day' + interval '1 hour',
                   CASE WHEN g.status IN ('cozuldu', 'kapatildi')
                        THEN now() - (g.n %% 730) * interval '1 day' + (g.n %% 7) * interval '1 day' END,
                   0, 1, 'Vatandaş ' || g.n, '', '', 'bench', '',
                   ST_SetSRID(ST_MakePoint(ST_XMin(area.box) + g.fx * (ST_XMax(area.box) - ST_XMin(area.box)),
                                           ST_YMin(area.box) + g.fy * (ST_YMax(area.box) - ST_YMin(area.box))),
                              ST_SRID(area.box))
            FROM g, cats, area
        """, [have, target])
        cursor.execute("ANALYZE tickets_ticket")
    return target


def bench_tickets(timed, user) -> list[tuple[str, float]]:
    """Median ms of the queue (filters) and the ticket map GeoJSON, as a help-desk user."""
    from backoffice.tickets.models import Team

    fill()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    team = Team.objects.get(name="Sistem ve Ağ").pk
    cases = [
        ("queue: open tickets (default view, page 1 of 50)", "/tickets/", {}),
        ("queue: team + status + priority filter", "/tickets/",
         {"team": team, "status": ["islemde", "atandi"], "priority": 2}),
        ("queue: SLA breached + opened in the last 90 days", "/tickets/",
         {"sla": "breached", "opened_after": "2026-08-25"}),
        ("ticket map GeoJSON: open tickets", "/tickets/api/geojson", {}),
        ("ticket map GeoJSON: team + status filter", "/tickets/api/geojson",
         {"team": team, "status": ["islemde", "atandi", "yeni"]}),
    ]
    with connection.cursor() as cursor:  # "Yakınımda" from the middle of the district (issue 20.3)
        cursor.execute("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_SetSRID("
                       "ST_Centroid(ST_Extent(geom)::geometry), %s), 4326) AS c FROM layers_mahalle) t",
                       [settings.CBS_SRID])
        lon, lat = cursor.fetchone()
    for radius in (500, 2000):
        cases.append((f"near me: assets + open tickets within {radius} m", "/tickets/api/near",
                      {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}", "r": radius}))
    rows = []
    for label, url, params in cases:
        def run(url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            return len(response.content)
        rows.append((label, timed(run)["median_ms"]))
        print(f"tickets: {label:55} {rows[-1][1]:7.2f} ms", flush=True)

    rows += bench_self_service(timed)

    from backoffice.reports.period import period_from
    from backoffice.reports.report import activity_report, to_pdf, to_xlsx

    month = period_from("month")
    for label, fn in (("monthly activity report (all figures, HTML data)", lambda: activity_report(month)),
                      ("monthly activity report as XLSX", lambda: to_xlsx(activity_report(month))),
                      ("monthly activity report as PDF", lambda: to_pdf(activity_report(month)))):
        rows.append((label, timed(fn, 5)["median_ms"]))
        print(f"tickets: {label:55} {rows[-1][1]:7.2f} ms", flush=True)

    def raw_open_geojson():
        with connection.cursor() as cursor:
            cursor.execute("""SELECT json_build_object('type','FeatureCollection','features',json_agg(json_build_object(
                'type','Feature','id',number,'geometry',ST_AsGeoJSON(ST_Transform(location,4326),6)::json)))::text
                FROM tickets_ticket WHERE status IN ('yeni', 'atandi', 'islemde', 'beklemede') AND location IS NOT NULL""")
            return len(cursor.fetchone()[0])
    rows.append(("raw SQL: open tickets as GeoJSON (the floor)", timed(raw_open_geojson)["median_ms"]))
    print(f"tickets: {rows[-1][0]:55} {rows[-1][1]:7.2f} ms", flush=True)

    def raw_near(radius=2000):
        with connection.cursor() as cursor:
            cursor.execute("""WITH p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AS g)
                SELECT number, ST_Distance(location, p.g) AS d FROM tickets_ticket, p
                WHERE status IN ('yeni', 'atandi', 'islemde', 'beklemede') AND ST_DWithin(location, p.g, %s)
                ORDER BY d LIMIT 200""", [lon, lat, settings.CBS_SRID, radius])
            return len(cursor.fetchall())
    rows.append(("raw SQL: open tickets within 2000 m, nearest first (floor)",
                 timed(raw_near)["median_ms"]))
    print(f"tickets: {rows[-1][0]:55} {rows[-1][1]:7.2f} ms", flush=True)
    return rows


def link_staff_requests() -> int:
    """Every 20th generated ticket becomes a member of staff's own request (5 000 of 100 000, spread
    over the sample staff), so "Taleplerim" picks its rows out of the whole table."""
    from backoffice.assets.samples import load_inventory

    load_inventory()  # the sample staff (idempotent)
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE tickets_ticket t SET requester_staff_id = s.ids[1 + substring(t.number from 3)::int % array_length(s.ids, 1)]
            FROM (SELECT array_agg(id ORDER BY id) AS ids FROM assets_staff) s
            WHERE t.number LIKE 'B-%' AND t.requester_staff_id IS NULL AND substring(t.number from 3)::int % 20 = 0
        """)
        changed = cursor.rowcount
        if changed:
            cursor.execute("ANALYZE tickets_ticket")
    return changed


def bench_self_service(timed) -> list[tuple[str, float]]:
    """Median ms of "Taleplerim" (a member of staff's own requests; a unit head's unit) against the
    bare SQL of the same page."""
    from django.contrib.auth import get_user_model

    from backoffice.assets.models import Staff

    link_staff_requests()
    staff = Staff.objects.select_related("unit").order_by("pk").first()
    head = Staff.objects.filter(unit=staff.unit).exclude(pk=staff.pk).order_by("pk").first()
    users = get_user_model().objects
    rows = []
    for label, member in (("Taleplerim: own requests (page 1 of 25)", staff),
                          ("Taleplerim: unit head (own + the unit's)", head)):
        user, _created = users.get_or_create(username=f"bench-personel-{member.registry_no}")
        Staff.objects.filter(user=user).exclude(pk=member.pk).update(user=None)
        Staff.objects.filter(pk=member.pk).update(user=user)
        if member == head:
            type(staff.unit).objects.filter(pk=staff.unit_id).update(head=head)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def run(client=client):
            response = client.get("/requests/")
            assert response.status_code == 200, response.status_code
            return len(response.content)
        rows.append((label, timed(run)["median_ms"]))
        print(f"tickets: {label:55} {rows[-1][1]:7.2f} ms", flush=True)

    def raw_own():
        with connection.cursor() as cursor:
            cursor.execute("""SELECT t.number, t.title, t.status, t.created_at, t.resolved_at, c.name
                              FROM tickets_ticket t JOIN tickets_category c ON c.id = t.category_id
                              WHERE t.requester_staff_id = %s ORDER BY t.created_at DESC LIMIT 25""", [staff.pk])
            rows_ = cursor.fetchall()
            cursor.execute("SELECT count(*) FROM tickets_ticket WHERE requester_staff_id = %s", [staff.pk])
            return len(rows_) + cursor.fetchone()[0]
    rows.append(("raw SQL: own requests, page 1 + count (the floor)", timed(raw_own)["median_ms"]))
    print(f"tickets: {rows[-1][0]:55} {rows[-1][1]:7.2f} ms", flush=True)
    return rows
