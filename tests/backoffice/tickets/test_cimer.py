"""CİMER / BİMER: the legal 30-day answer deadline counts calendar days (weekends, holidays,
working hours and waiting do not change it), warns at 7 and 2 days, and is shown in the queue,
the dashboard and the activity report."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from backoffice.tickets import cimer, services, ticket_notices
from backoffice.tickets.models import Status, Ticket
from cbs.notifications.kinds import NoticeKind
from cbs.notifications.models import Notification

IST = ZoneInfo("Europe/Istanbul")


def legal_state(ticket, now):
    return cimer.with_legal_state(Ticket.objects.filter(pk=ticket.pk), now).get().legal_state


def cimer_ticket(camera_fault, helpdesk, applied_on, now):
    camera_fault.channel = "cimer"
    camera_fault.cimer_number = "CMR-2026-0042"
    camera_fault.cimer_applied_on = applied_on
    return services.ticket_open(data=camera_fault, user=helpdesk, now=now)


def test_the_deadline_ignores_working_hours_holidays_and_waiting(helpdesk, technician, camera_fault):
    """Applied Tuesday 5 May 2026: answer by the end of Thursday 4 June in Istanbul, although the
    Kurban Bayramı (26½–30 May) and four weekends lie between; the SLA (working time) moves when
    the ticket waits, the legal deadline does not."""
    ticket = cimer_ticket(camera_fault, helpdesk, date(2026, 5, 5), datetime(2026, 5, 6, 10, tzinfo=IST))
    assert ticket.legal_due == datetime(2026, 6, 4, 23, 59, 59, 999999, tzinfo=IST)
    assert ticket.cimer_number == "CMR-2026-0042"
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=datetime(2026, 5, 6, 11, tzinfo=IST))
    services.ticket_transition(ticket=ticket, status=Status.WAITING, user=technician,
                               now=datetime(2026, 5, 6, 12, tzinfo=IST))
    services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=technician,
                               now=datetime(2026, 5, 25, 12, tzinfo=IST))
    ticket.refresh_from_db()
    assert ticket.paused_seconds > 0  # the SLA clock stood still …
    assert ticket.legal_due == datetime(2026, 6, 4, 23, 59, 59, 999999, tzinfo=IST)  # … the law's did not


def test_without_an_application_date_it_counts_from_the_day_opened(helpdesk, camera_fault):
    ticket = cimer_ticket(camera_fault, helpdesk, None, datetime(2026, 12, 31, 22, tzinfo=IST))
    assert ticket.cimer_applied_on == date(2026, 12, 31)
    assert ticket.legal_due.astimezone(IST).date() == date(2027, 1, 30)


def test_warnings_at_seven_and_two_days_each_once(helpdesk, technician, camera_fault):
    """States ok → warn7 → warn2 → overdue; the watch tells the assignee at each step once; once
    answered (resolved) the application is "answered in time"."""
    ticket = cimer_ticket(camera_fault, helpdesk, date(2026, 6, 1), datetime(2026, 6, 1, 10, tzinfo=IST))
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=datetime(2026, 6, 1, 11, tzinfo=IST))
    due = ticket.legal_due
    steps = [(due - timedelta(days=10), cimer.LegalState.OK, 0), (due - timedelta(days=6), cimer.LegalState.WARN7, 1),
             (due - timedelta(days=5), cimer.LegalState.WARN7, 0), (due - timedelta(days=1), cimer.LegalState.WARN2, 1),
             (due + timedelta(hours=1), cimer.LegalState.OVERDUE, 1)]
    for now, state, told in steps:
        assert legal_state(ticket, now) == state
        made = ticket_notices.watch_deadlines(now=now)
        assert Notification.objects.filter(kind=NoticeKind.CIMER, number=ticket.number).count() == sum(
            t for n, _s, t in steps if n <= now), (now, made)
    services.ticket_transition(ticket=ticket, status=Status.RESOLVED, user=technician, note="Yanıtlandı.",
                               now=due - timedelta(days=3))
    assert legal_state(ticket, due + timedelta(days=1)) == cimer.LegalState.ANSWERED


def test_queue_filter_badge_and_detail(client, helpdesk, camera_fault):
    """The queue filters by the legal deadline and shows it as a badge; the ticket page shows the
    application number and the deadline."""
    from django.utils import timezone

    today = timezone.localdate()
    soon = cimer_ticket(camera_fault, helpdesk, today - timedelta(days=29), timezone.now())
    client.force_login(helpdesk)
    page = client.get(reverse("tickets:queue"), {"legal": "warn2"}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert soon.number in page and "cbs-legal" in page
    page = client.get(reverse("tickets:queue"), {"legal": "overdue"}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert soon.number not in page
    detail = client.get(reverse("tickets:detail", args=[soon.number]), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "CMR-2026-0042" in detail and 'id="ticket-legal-due"' in detail


def test_dashboard_and_activity_report_show_the_deadlines(client, helpdesk, camera_fault):
    """The dashboard counts the application two days before its deadline (and lists it); the
    activity report of its month lists it with its application number and deadline."""
    from django.utils import timezone

    from cbs.testing import make_user

    today = timezone.localdate()
    soon = cimer_ticket(camera_fault, helpdesk, today - timedelta(days=29), timezone.now())
    client.force_login(make_user(("module:reports", "view")))
    page = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert 'id="cimer-deadlines"' in page and soon.number in page
    report = client.get(reverse("reports:activity"), {"period": "custom", "first": str(today - timedelta(days=40)),
                                                      "last": str(today)}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "CMR-2026-0042" in report and "30 günlük yasal süre" in report


def test_an_application_date_out_of_range_is_refused(client, helpdesk, camera_fault):
    """A future date or one at the calendar's end is a form error (400), not a crash."""
    from backoffice.tickets.models import Category

    client.force_login(helpdesk)
    form = {"title": "CİMER başvurusu", "description": "Kamera", "channel": "cimer", "priority": "3",
            "category": str(Category.objects.get(name="Görüntü yok").pk), "requester_name": "Ali Veli",
            "requester_phone": "0212 555 11 22", "consent_note": "CİMER", "lon": "28.905", "lat": "41.0",
            "cimer_number": "CMR-1"}
    for value in ("9999-12-31", "2000-01-01"):
        response = client.post(reverse("tickets:new"), {**form, "cimer_applied_on": value}, HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 400
        assert "son bir yıl" in response.content.decode()
    assert not Ticket.objects.filter(title="CİMER başvurusu").exists()
