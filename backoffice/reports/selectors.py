"""Every figure of the dashboard and the activity report, computed in PostgreSQL (aggregates,
percentiles, spatial joins) – never by loading rows into Python."""

from __future__ import annotations

from django.db import connections
from django.utils import timezone

from backoffice.tickets.models import OPEN_STATES
from cbs.db import read_alias

from .period import Period



NOBODY = "–"  # the label open_by() gives tickets without a team or an assignee

def _rows(sql: str, params: dict) -> list[dict]:
    with connections[read_alias()].cursor() as cursor:  # the replica inside the report views
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _p(period: Period, **extra) -> dict:
    return {"start": period.start, "end": period.end, "open": [s.value for s in OPEN_STATES],
            "now": timezone.now(), **extra}


def ticket_totals(period: Period) -> dict:
    """Opened, resolved, resolved on time (SLA compliance) and still open, for the period."""
    row = _rows("""
        SELECT count(*) FILTER (WHERE created_at >= %(start)s AND created_at < %(end)s) AS opened,
               count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s) AS resolved,
               count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                                AND resolution_due IS NOT NULL AND resolved_at <= resolution_due) AS on_time,
               count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(end)s
                                AND resolution_due IS NOT NULL) AS with_sla,
               count(*) FILTER (WHERE status = ANY(%(open)s)) AS open_now
        FROM tickets_ticket WHERE merged_into_id IS NULL
    """, _p(period))[0]
    row["sla_compliance"] = round(100.0 * row["on_time"] / row["with_sla"], 1) if row["with_sla"] else None
    return row


def tickets_per_week(period: Period) -> list[dict]:
    """Tickets opened and resolved per ISO week of the period."""
    return _rows("""
        WITH weeks AS (SELECT generate_series(date_trunc('week', %(start)s::timestamptz),
                                              %(end)s::timestamptz - interval '1 second', interval '1 week') AS week)
        SELECT to_char(w.week, 'IYYY-"W"IW') AS week,
               (SELECT count(*) FROM tickets_ticket t WHERE t.created_at >= greatest(w.week, %(start)s)
                  AND t.created_at < least(w.week + interval '1 week', %(end)s)) AS opened,
               (SELECT count(*) FROM tickets_ticket t WHERE t.resolved_at >= greatest(w.week, %(start)s)
                  AND t.resolved_at < least(w.week + interval '1 week', %(end)s)) AS resolved
        FROM weeks w ORDER BY w.week
    """, _p(period))


def open_by(column: str) -> list[dict]:
    """Open tickets now by status, team or assignee (a fixed set of columns)."""
    select, join = {
        "status": ("t.status", ""),
        "team": ("coalesce(tm.name, %(nobody)s)", "LEFT JOIN tickets_team tm ON tm.id = t.team_id"),
        "assignee": ("coalesce(u.username, %(nobody)s)", "LEFT JOIN auth_user u ON u.id = t.assignee_id"),
    }[column]
    return _rows(f"""
        SELECT {select} AS label, count(*) AS count FROM tickets_ticket t {join}
        WHERE t.status = ANY(%(open)s) GROUP BY 1 ORDER BY 2 DESC, 1
    """, {"open": [s.value for s in OPEN_STATES], "nobody": NOBODY})  # noqa: S608  (columns from the fixed map)


def sla_states_now() -> list[dict]:
    """Open tickets by SLA state right now (waiting ones judged when they started waiting)."""
    return _rows("""
        SELECT CASE WHEN resolution_due IS NULL THEN 'none'
                    WHEN status = 'beklemede' AND paused_at > resolution_due THEN 'breached'
                    WHEN status <> 'beklemede' AND resolution_due < %(now)s THEN 'breached'
                    WHEN status <> 'beklemede' AND resolution_due < %(now)s + interval '2 hours' THEN 'risk'
                    ELSE 'ok' END AS state, count(*) AS count
        FROM tickets_ticket WHERE status = ANY(%(open)s) GROUP BY 1 ORDER BY 1
    """, {"open": [s.value for s in OPEN_STATES], "now": timezone.now()})


def resolution_hours_by_category(period: Period) -> list[dict]:
    """Median and 90th percentile of the time to resolve (hours, wall clock) per top category,
    over the tickets resolved in the period."""
    return _rows("""
        SELECT coalesce(p.name, c.name) AS category, count(*) AS resolved,
               round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.resolved_at - t.created_at))
                      / 3600)::numeric, 2) AS median_hours,
               round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.resolved_at - t.created_at))
                      / 3600)::numeric, 2) AS p90_hours,
               round(100.0 * count(*) FILTER (WHERE t.resolved_at <= t.resolution_due)
                     / nullif(count(t.resolution_due), 0), 1) AS sla_compliance
        FROM tickets_ticket t JOIN tickets_category c ON c.id = t.category_id
        LEFT JOIN tickets_category p ON p.id = c.parent_id
        WHERE t.resolved_at >= %(start)s AND t.resolved_at < %(end)s
        GROUP BY 1 ORDER BY 1
    """, _p(period))


def by_channel(period: Period) -> list[dict]:
    """Incoming requests per channel and how many of them are resolved or closed."""
    return _rows("""
        SELECT channel, count(*) AS opened,
               count(*) FILTER (WHERE status IN ('cozuldu', 'kapatildi')) AS done,
               count(*) FILTER (WHERE status = ANY(%(open)s)) AS still_open
        FROM tickets_ticket WHERE created_at >= %(start)s AND created_at < %(end)s
        GROUP BY 1 ORDER BY 2 DESC, 1
    """, _p(period))


def technician_workload(period: Period) -> list[dict]:
    """Per assignee: open now, resolved in the period, minutes logged in the period."""
    return _rows("""
        SELECT u.username AS technician,
               (SELECT count(*) FROM tickets_ticket t WHERE t.assignee_id = u.id AND t.status = ANY(%(open)s)) AS open_now,
               (SELECT count(*) FROM tickets_ticket t WHERE t.assignee_id = u.id
                  AND t.resolved_at >= %(start)s AND t.resolved_at < %(end)s) AS resolved,
               (SELECT coalesce(sum(e.minutes), 0) FROM tickets_ticketevent e WHERE e.author_id = u.id
                  AND e.created_at >= %(start)s AND e.created_at < %(end)s) AS minutes
        FROM auth_user u WHERE EXISTS (SELECT 1 FROM tickets_ticket t WHERE t.assignee_id = u.id)
        ORDER BY 2 DESC, 3 DESC, 1
    """, _p(period))


def work_per_unit(period: Period) -> list[dict]:
    """Requests of each unit's staff in the period (the regulation's "work done per unit")."""
    return _rows("""
        SELECT un.name AS unit, count(*) AS opened,
               count(*) FILTER (WHERE t.status IN ('cozuldu', 'kapatildi')) AS done
        FROM tickets_ticket t JOIN assets_staff s ON s.id = t.requester_staff_id
        JOIN assets_unit un ON un.id = s.unit_id
        WHERE t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY 1 ORDER BY 2 DESC, 1
    """, _p(period))


def tickets_per_mahalle(period: Period) -> list[dict]:
    """Tickets opened in the period per mahalle (spatial join in the storage CRS)."""
    return _rows("""
        SELECT m.adi AS mahalle, m.nufus AS population, count(t.id) AS opened
        FROM layers_mahalle m LEFT JOIN tickets_ticket t ON ST_Contains(m.geom, t.location)
             AND t.created_at >= %(start)s AND t.created_at < %(end)s
        GROUP BY m.adi, m.nufus ORDER BY 1
    """, _p(period))


def assets_by_type_and_status() -> list[dict]:
    return _rows("""
        SELECT 'cihaz' AS kind, tur AS type, durum AS status, count(*) AS count FROM assets_networkdevice GROUP BY 2, 3
        UNION ALL
        SELECT 'kamera', tur, durum, count(*) FROM assets_camera GROUP BY 2, 3
        ORDER BY 1, 2, 3
    """, {})


def layer_edits(period: Period) -> list[dict]:
    """Features created / changed / deleted per layer, week and person, from the layers' history
    tables (history is data: it outlives log retention, and an import's features count one by one)."""
    from layers.registry import all_layers

    qn = connections[read_alias()].ops.quote_name
    layers = all_layers()
    parts = [f"SELECT %(l{i})s AS layer, \"surumBaslangicZamani\" AS time, actor, operation, version "  # noqa: S608
             f"FROM {qn(layer.history._meta.db_table)} WHERE \"surumBaslangicZamani\" >= %(start)s "
             f"AND \"surumBaslangicZamani\" < %(end)s" for i, layer in enumerate(layers)]
    names = {f"l{i}": layer.name for i, layer in enumerate(layers)}
    return _rows(f"""
        SELECT layer, to_char(date_trunc('week', time), 'IYYY-"W"IW') AS week,
               coalesce(nullif(actor, ''), '–') AS who,
               count(*) FILTER (WHERE operation = 'create' OR (operation = 'import' AND version = 1)) AS created,
               count(*) FILTER (WHERE operation IN ('update', 'restore', 'revert')
                                OR (operation = 'import' AND version > 1)) AS changed,
               count(*) FILTER (WHERE operation = 'delete') AS deleted
        FROM ({" UNION ALL ".join(parts)}) h
        GROUP BY 1, 2, 3 ORDER BY 2, 1, 3
    """, _p(period, **names))
