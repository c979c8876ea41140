"""Business time for SLA clocks: working hours on working days in the municipality's time zone,
official holidays excluded (half days allowed, e.g. the eves of bayram).

Pure functions over a `Calendar`, so the clock across a weekend or a holiday is tested without
a database; `calendar_from_settings()` builds the configured one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    start: time = time(8, 30)
    end: time = time(17, 30)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    holidays: frozenset[date] = frozenset()
    half_days: dict[date, time] = field(default_factory=dict)  # day -> working day ends at

    def hours_of(self, day: date) -> tuple[datetime, datetime] | None:
        """The working interval of a day (aware datetimes), or None for a day off."""
        if day.weekday() not in self.workdays or day in self.holidays:
            return None
        end = self.half_days.get(day, self.end)
        if end <= self.start:
            return None
        return (datetime.combine(day, self.start, self.tz), datetime.combine(day, end, self.tz))


def business_seconds(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Working seconds between two instants (0 if end <= start)."""
    if end <= start:
        return 0
    start, end = start.astimezone(calendar.tz), end.astimezone(calendar.tz)
    total, day = 0.0, start.date()
    while day <= end.date():
        hours = calendar.hours_of(day)
        if hours is not None:
            lo, hi = max(hours[0], start), min(hours[1], end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(total)


def add_business_seconds(calendar: Calendar, start: datetime, seconds: int) -> datetime:
    """The instant `seconds` of working time after `start` (starting at the next working moment)."""
    remaining = float(seconds)
    moment = start.astimezone(calendar.tz)
    day = moment.date()
    for _ in range(3660):  # ten years of days: a bound, never reached with sane calendars
        hours = calendar.hours_of(day)
        if hours is not None:
            lo = max(hours[0], moment)
            if lo < hours[1]:
                available = (hours[1] - lo).total_seconds()
                if remaining <= available:
                    return lo + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0), calendar.tz)
    raise ValueError("the calendar has no working time")


def calendar_from_settings() -> Calendar:
    """Working hours from settings, official holidays (and half days) from the Holiday table."""
    from django.conf import settings

    from .models import Holiday

    rows = list(Holiday.objects.values_list("day", "ends_at"))
    return Calendar(
        tz=ZoneInfo(settings.TIME_ZONE),
        start=time.fromisoformat(settings.CBS_WORKDAY_START),
        end=time.fromisoformat(settings.CBS_WORKDAY_END),
        holidays=frozenset(day for day, ends in rows if ends is None),
        half_days={day: ends for day, ends in rows if ends is not None},
    )
