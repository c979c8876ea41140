"""Notifications of the help desk: the bell counts what happened to my tickets, mail is queued
only when the user chose it, the SLA/CİMER watch tells each thing once and escalates a breached
SLA to the team lead."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from backoffice.tickets import services, ticket_notices
from backoffice.tickets.models import Status, Team
from cbs.notifications import services as notice_services
from cbs.notifications.kinds import NoticeKind
from cbs.notifications.models import Notification
from cbs.notifications.tasks import message
from cbs.testing import make_user

IST = ZoneInfo("Europe/Istanbul")


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=IST)


def mail_jobs(task, **args):
    return ProcrastinateJob.objects.filter(task_name=task, **{f"args__{k}": v for k, v in args.items()})


def test_assignment_rings_the_bell_and_queues_mail_by_default(client, helpdesk, technician, camera_fault):
    """The assignee sees the bell count 1 on every page, the list names the ticket, the ticket's
    assignment mail is queued; opening the notice marks it read."""
    ticket = services.ticket_open(data=camera_fault, user=helpdesk)
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
    assert mail_jobs("tickets.send_mail", ticket_id=ticket.pk, kind="assigned").count() == 1
    client.force_login(technician)
    page = client.get(reverse("tickets:mine"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert 'id="notification-count">1<' in page
    listing = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert f"{ticket.number} size atandı" in listing
    notice = Notification.objects.get(user=technician)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tickets:detail", args=[ticket.number])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="notification-count"' not in client.get(reverse("notifications:list")).content.decode()


def test_mail_only_by_the_users_choice(client, helpdesk, technician, camera_fault):
    """Switched off on the preferences page, an assignment stays in the bell without mail; with
    both off nothing is made. A status change mails nobody by default."""
    client.force_login(technician)
    form = {f"{kind}-in_app": "on" for kind in NoticeKind.values}
    assert client.post(reverse("notifications:preferences"), form).status_code == 302
    ticket = services.ticket_open(data=camera_fault, user=helpdesk)
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
    assert Notification.objects.filter(user=technician, kind=NoticeKind.ASSIGNED).count() == 1
    assert mail_jobs("tickets.send_mail", ticket_id=ticket.pk, kind="assigned").count() == 0
    services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
    status = Notification.objects.get(user=technician, kind=NoticeKind.STATUS)
    assert not status.emailed and mail_jobs("notifications.send_mail").filter(args__notification_id=status.pk).count() == 0
    notice_services.preferences_save(user=technician, choices={NoticeKind.STATUS: (False, False)})
    services.ticket_transition(ticket=ticket, status=Status.WAITING, user=helpdesk)
    assert Notification.objects.filter(user=technician, kind=NoticeKind.STATUS).count() == 1


def test_a_status_mail_when_chosen_carries_the_number(helpdesk, technician, camera_fault):
    """Chosen by e-mail, a status change queues the generic notice mail; its subject starts with
    [#number] (so an answer is threaded) and it is marked automatic."""
    notice_services.preferences_save(user=technician, choices={NoticeKind.STATUS: (True, True)})
    ticket = services.ticket_open(data=camera_fault, user=helpdesk)
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
    services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
    notice = Notification.objects.get(user=technician, kind=NoticeKind.STATUS)
    job = mail_jobs("notifications.send_mail").get(args__notification_id=notice.pk)
    mail = message(notice, job.args["language"])
    assert mail.subject.startswith(f"[#{ticket.number}] ") and mail.to == [technician.email]
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"


def test_sla_watch_tells_once_and_escalates_to_the_team_lead(helpdesk, technician, camera_fault):
    """Two hours before the resolution due time the assignee hears "at risk"; past it the assignee
    hears "breached" and the team lead "escalated"; running the watch again tells nobody twice."""
    lead = make_user(("module:tickets", "edit"))
    ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
    Team.objects.filter(pk=ticket.team_id).update(lead=lead)
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=at(6, 1, 9, 5))
    due = ticket.resolution_due
    assert ticket_notices.watch_deadlines(now=due - timedelta(hours=5)) == 0
    assert ticket_notices.watch_deadlines(now=due - timedelta(hours=1)) == 1
    assert ticket_notices.watch_deadlines(now=due - timedelta(minutes=30)) == 0
    assert Notification.objects.get(user=technician, kind=NoticeKind.SLA_RISK).number == ticket.number
    assert ticket_notices.watch_deadlines(now=due + timedelta(minutes=1)) == 2
    assert ticket_notices.watch_deadlines(now=due + timedelta(minutes=6)) == 0
    assert Notification.objects.filter(user=technician, kind=NoticeKind.SLA_BREACHED).count() == 1
    escalated = Notification.objects.get(user=lead, kind=NoticeKind.ESCALATED)
    assert escalated.emailed and mail_jobs("notifications.send_mail", notification_id=escalated.pk).count() == 1


def test_a_waiting_ticket_is_not_watched(helpdesk, technician, camera_fault):
    """Waiting on the requester the SLA clock stands still: no risk notice."""
    ticket = services.ticket_open(data=camera_fault, user=helpdesk, now=at(6, 1, 9))
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk, now=at(6, 1, 9, 5))
    services.ticket_transition(ticket=ticket, status=Status.WAITING, user=technician, now=at(6, 1, 9, 10))
    assert ticket_notices.watch_deadlines(now=ticket.resolution_due - timedelta(hours=1)) == 0


def test_only_my_own_notices(client, helpdesk, technician, camera_fault):
    """Another user's notice is 404 to me and marking it read changes nothing."""
    ticket = services.ticket_open(data=camera_fault, user=helpdesk)
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
    notice = Notification.objects.get(user=technician)
    client.force_login(helpdesk)
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    client.post(reverse("notifications:mark_read"), {"id": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert client.post(reverse("notifications:mark_read"), {"id": "x"}).status_code == 400


@pytest.mark.parametrize("path", ["notifications:list", "notifications:preferences"])
def test_pages_need_a_login(client, db, path):
    assert client.get(reverse(path)).status_code == 302
