"""Report periods: a week, month, year or custom range, as half-open [start, end) instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


# Dates a report may start or end on: far beyond any data, and far from date's own limits (the
# week, month and end-of-period arithmetic below would overflow near year 1 or 9999).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Period:
    first: date  # first day
    last: date  # last day (inclusive)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, timezone.get_current_timezone())

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, timezone.get_current_timezone())


def period_from(kind: str, day: date | None = None, first: date | None = None, last: date | None = None) -> Period:
    """The week (Monday–Sunday), month or year containing `day`, or a custom range."""
    for value in (day, first, last):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationError(_("Dates must lie between %(first)s and %(last)s.")
                                  % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()})
    day = day or timezone.localdate()
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    if kind == "month":
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return Period(day.replace(day=1), following - timedelta(days=1))
    if kind == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "custom":
        if first is None or last is None or last < first:
            raise ValidationError(_("Give a start and an end date, the end not before the start."))
        if (last - first).days > 3660:
            raise ValidationError(_("A report covers at most ten years."))
        return Period(first, last)
    raise ValidationError(_("Unknown period."))
