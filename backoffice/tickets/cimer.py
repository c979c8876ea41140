"""CİMER / BİMER applications: the legal answer deadline (3071 sayılı Dilekçe Hakkının
Kullanılmasına Dair Kanun md. 7: thirty days) runs in *calendar* days from the application date
and ends at midnight of the thirtieth day in the municipality's time zone. Unlike the SLA it
ignores working hours and holidays and is never paused while the ticket waits on someone.
Warnings come 7 and 2 days before it; an application is answered once the ticket is resolved."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEGAL_DAYS = 30
WARNINGS = (7, 2)  # days before the deadline


class LegalState:
    NONE, OK, WARN7, WARN2, OVERDUE, ANSWERED, ANSWERED_LATE = (
        "none", "ok", "warn7", "warn2", "overdue", "answered", "late")


LABELS = {
    LegalState.OK: _("within deadline"),
    LegalState.WARN7: _("7 days or less left"),
    LegalState.WARN2: _("2 days or less left"),
    LegalState.OVERDUE: _("legal deadline passed"),
    LegalState.ANSWERED: _("answered in time"),
    LegalState.ANSWERED_LATE: _("answered late"),
}


def legal_due(applied_on: date) -> datetime:
    """The last moment to answer: the end of the 30th calendar day after the application."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(applied_on + timedelta(days=LEGAL_DAYS + 1), time(0), tz) - timedelta(microseconds=1)


def with_legal_state(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    """Annotate `legal_state` (LegalState) in SQL, for the queue, its filter and the reports."""
    now = now or timezone.now()
    return qs.annotate(legal_state=Case(
        When(legal_due__isnull=True, then=Value(LegalState.NONE)),
        When(Q(resolved_at__isnull=False) & Q(resolved_at__gt=F("legal_due")), then=Value(LegalState.ANSWERED_LATE)),
        When(resolved_at__isnull=False, then=Value(LegalState.ANSWERED)),
        When(legal_due__lt=now, then=Value(LegalState.OVERDUE)),
        When(legal_due__lt=now + timedelta(days=WARNINGS[1]), then=Value(LegalState.WARN2)),
        When(legal_due__lt=now + timedelta(days=WARNINGS[0]), then=Value(LegalState.WARN7)),
        default=Value(LegalState.OK), output_field=CharField()))


def legal_q(state: str, now: datetime | None = None) -> Q:
    """The open applications in a warning state (warn7 includes warn2; overdue apart)."""
    now = now or timezone.now()
    pending = Q(legal_due__isnull=False, resolved_at__isnull=True)
    if state == LegalState.OVERDUE:
        return pending & Q(legal_due__lt=now)
    if state == LegalState.WARN2:
        return pending & Q(legal_due__gte=now, legal_due__lt=now + timedelta(days=WARNINGS[1]))
    if state == LegalState.WARN7:
        return pending & Q(legal_due__gte=now, legal_due__lt=now + timedelta(days=WARNINGS[0]))
    if state == "pending":
        return pending
    return Q(legal_due__isnull=False)

