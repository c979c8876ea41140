"""CİMER / BİMER applications in the reports: the legal 30-day answer deadlines now (dashboard)
and the applications of a period with their outcome (activity report), computed in PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from django.db import connections
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backoffice.tickets.cimer import LABELS, WARNINGS, LegalState

from cbs.db import read_alias

from .period import Period


def _rows(sql: str, params: dict) -> list[dict]:
    with connections[read_alias()].cursor() as cursor:  # the replica inside the report views
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def legal_deadlines_now(limit: int = 10) -> dict:
    """Unanswered applications by warning state, and the most urgent ones."""
    now = timezone.now()
    params = {"now": now, "d7": now + timedelta(days=WARNINGS[0]), "d2": now + timedelta(days=WARNINGS[1]),
              "limit": limit}
    counts = _rows("""
        SELECT count(*) AS pending,
               count(*) FILTER (WHERE legal_due >= %(now)s AND legal_due < %(d7)s) AS warn7,
               count(*) FILTER (WHERE legal_due >= %(now)s AND legal_due < %(d2)s) AS warn2,
               count(*) FILTER (WHERE legal_due < %(now)s) AS overdue
        FROM tickets_ticket WHERE legal_due IS NOT NULL AND resolved_at IS NULL AND merged_into_id IS NULL
    """, params)[0]
    urgent = _rows("""
        SELECT number, cimer_number, legal_due FROM tickets_ticket
        WHERE legal_due IS NOT NULL AND resolved_at IS NULL AND merged_into_id IS NULL
        ORDER BY legal_due, id LIMIT %(limit)s
    """, params)
    for row in urgent:
        left = row["legal_due"] - now
        row["state"] = (LegalState.OVERDUE if left < timedelta(0) else LegalState.WARN2
                        if left < timedelta(days=WARNINGS[1]) else LegalState.WARN7
                        if left < timedelta(days=WARNINGS[0]) else LegalState.OK)
        row["days_left"] = left.days
    return {**counts, "urgent": urgent}


def applications(period: Period) -> list[dict]:
    """Applications made in the period (application date, else opening day) and their outcome."""
    return _rows("""
        SELECT number, cimer_number, coalesce(cimer_applied_on, (created_at AT TIME ZONE %(tz)s)::date) AS applied_on,
               legal_due, resolved_at,
               CASE WHEN resolved_at IS NOT NULL AND resolved_at <= legal_due THEN 'answered'
                    WHEN resolved_at IS NOT NULL THEN 'late'
                    WHEN legal_due < %(now)s THEN 'overdue'
                    WHEN legal_due < %(now)s + interval '2 days' THEN 'warn2'
                    WHEN legal_due < %(now)s + interval '7 days' THEN 'warn7'
                    ELSE 'ok' END AS state
        FROM tickets_ticket
        WHERE legal_due IS NOT NULL AND merged_into_id IS NULL
          AND coalesce(cimer_applied_on, (created_at AT TIME ZONE %(tz)s)::date) BETWEEN %(first)s AND %(last)s
        ORDER BY applied_on, number
    """, {"tz": timezone.get_current_timezone_name(), "first": period.first, "last": period.last,
          "now": timezone.now()})


def report_rows(period: Period) -> list[list]:
    """Rows of the activity report's CİMER section (dates in the reader's format)."""
    def when(value):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else None

    return [[r["number"], r["cimer_number"] or "–", formats.date_format(r["applied_on"], "SHORT_DATE_FORMAT"),
             when(r["legal_due"]), when(r["resolved_at"]), str(LABELS.get(r["state"], r["state"]))]
            for r in applications(period)]


def report_columns() -> list[str]:
    return [_("Ticket"), _("Application number"), _("Applied on"), _("Legal deadline"), _("Answered at"),
            _("Result")]
