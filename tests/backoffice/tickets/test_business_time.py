"""The SLA clock in working time: weekends, official holidays, half days."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from backoffice.tickets.business_time import Calendar, add_business_seconds, business_seconds

IST = ZoneInfo("Europe/Istanbul")
CAL = Calendar(tz=IST, holidays=frozenset({date(2026, 5, 1)}),  # Friday, Labour Day
               half_days={date(2026, 5, 26): time(13, 0)})  # eve of Kurban Bayramı


def at(day: int, hour: int, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=IST)


class BusinessTimeTests:
    def test_within_one_day(self):
        assert business_seconds(CAL, at(27, 9), at(27, 11, 30)) == 9000

    def test_over_a_weekend(self):
        """Friday 16:30 → Monday 09:30 is two working hours (Fri 16:30–17:30, Mon 08:30–09:30)."""
        assert business_seconds(CAL, at(24, 16, 30), at(27, 9, 30)) == 2 * 3600

    def test_over_a_holiday_and_a_weekend(self):
        """Thursday 17:00 → Monday 09:00 with Friday 1 May off: 0.5 h + 0.5 h."""
        assert business_seconds(CAL, at(30, 17), datetime(2026, 5, 4, 9, tzinfo=IST)) == 3600

    def test_due_time_skips_weekend_and_holiday(self):
        """Four working hours from Thursday 30 April 15:30 end on Monday 4 May 10:30."""
        assert add_business_seconds(CAL, at(30, 15, 30), 4 * 3600) == datetime(2026, 5, 4, 10, 30, tzinfo=IST)

    def test_opened_outside_hours_starts_next_morning(self):
        assert add_business_seconds(CAL, at(27, 20), 1800) == at(28, 9)

    def test_half_day_eve_of_a_holiday(self):
        """On the eve (work ends at 13:00) 3 h from 11:00 end the next working morning at 10:30."""
        start = datetime(2026, 5, 26, 11, tzinfo=IST)
        assert business_seconds(CAL, start, datetime(2026, 5, 26, 17, tzinfo=IST)) == 2 * 3600
        assert add_business_seconds(CAL, start, 3 * 3600) == datetime(2026, 5, 27, 9, 30, tzinfo=IST)

    def test_round_trip(self):
        start = at(24, 16, 45)
        for seconds in (0, 60, 3600, 9 * 3600, 40 * 3600):
            assert business_seconds(CAL, start, add_business_seconds(CAL, start, seconds)) == seconds
