"""Who hears about what happens to a ticket (cbs.notifications does the telling: bell and/or
mail by each user's choice, each notice once). Called by the ticket services inside their
transaction and by the periodic SLA watch (tasks.watch_deadlines)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cbs.notifications.kinds import NoticeKind
from cbs.notifications.models import Notification
from cbs.notifications.services import notify

from . import cimer, notifications
from .models import OPEN_STATES, Status, Ticket, TicketEvent
from .selectors import AT_RISK

# A deadline missed longer ago than this when the watch first sees it is not announced any more
# (no flood of old news on the first run or after the worker was down for long).
LOOKBACK = timedelta(days=3)


def _url(ticket: Ticket) -> str:
    return reverse("tickets:detail", kwargs={"number": ticket.number})


def _requester_user(ticket: Ticket):
    staff = ticket.requester_staff
    return staff.user if staff is not None and staff.user_id else None


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _tell(user, kind: str, key: str, ticket: Ticket, *, detail: str = "", now=None, send_mail=None):
    return notify(user=user, kind=kind, key=key, number=ticket.number, subject=ticket.title, url=_url(ticket),
                  detail=detail, now=now, send_mail=send_mail)


def _owner(ticket: Ticket):
    """Who works on the ticket: the assignee, else the team lead."""
    if ticket.assignee_id:
        return ticket.assignee
    return ticket.team.lead if ticket.team_id and ticket.team.lead_id else None


def assigned(*, ticket: Ticket, assignee, actor=None, now=None) -> None:
    """The new assignee (not when they took it themselves); their mail is the ticket's own."""
    if actor is not None and actor.pk == assignee.pk:
        return
    _tell(assignee, NoticeKind.ASSIGNED, f"atama:{ticket.pk}:{ticket.version}", ticket, now=now,
          send_mail=lambda: notifications.queue_assigned(ticket, assignee))


def status_changed(*, ticket: Ticket, event: TicketEvent, actor=None, now=None) -> None:
    """The assignee and a requester with a login, unless they made the change. The notice keeps
    the status code; each reader reads its label in their own language (status_text)."""
    for user in {u for u in (ticket.assignee, _requester_user(ticket)) if u is not None}:
        if actor is None or actor.pk != user.pk:
            _tell(user, NoticeKind.STATUS, f"durum:{event.pk}", ticket, detail=ticket.status, now=now)


def status_text(detail: str) -> str:
    """A status notice's detail in the active language: the status label of its code (a notice
    stored before codes were kept holds a label already, shown as it is)."""
    return str(Status(detail).label) if detail in Status.values else detail


def replied_to_requester(*, ticket: Ticket, event: TicketEvent, actor=None, now=None) -> None:
    """A staff requester with a login as they chose; anyone else (a citizen) by mail to the
    address they gave – the subject carries the number, so their answer joins the ticket."""
    user = _requester_user(ticket)
    if user is not None:
        if actor is None or actor.pk != user.pk:
            _tell(user, NoticeKind.REPLY, f"yanit:{event.pk}", ticket, now=now,
                  send_mail=lambda: notifications.queue_reply(ticket, event))
    elif ticket.requester_email or (ticket.requester_staff and ticket.requester_staff.email):
        notifications.queue_reply(ticket, event)


def reply_received(*, ticket: Ticket, event: TicketEvent, now=None) -> None:
    """An answer by e-mail: the assignee, else the team lead."""
    owner = _owner(ticket)
    if owner is not None:
        _tell(owner, NoticeKind.REPLY, f"yanit:{event.pk}", ticket, now=now)


def _not_told(candidates: list[tuple[object, str, Ticket, str, str]]):
    """The (user, kind, ticket, key, detail) whose notice does not exist yet (one query)."""
    keys = {key for _u, _k, _t, key, _d in candidates}
    told = set(Notification.objects.filter(key__in=keys).values_list("user_id", "key"))
    return [c for c in candidates if (c[0].pk, c[3]) not in told]


def watch_deadlines(now: datetime | None = None) -> int:
    """SLA at risk (assignee/lead), SLA breached (assignee, and the team lead: escalation), CİMER
    answer deadline at 7 and 2 days and when passed – each notice once. Returns how many were made."""
    now = now or timezone.now()
    running = (Ticket.objects.filter(status__in=[s.value for s in OPEN_STATES]).exclude(status=Status.WAITING)
               .select_related("assignee", "team__lead"))
    candidates = []
    for ticket in running.filter(resolution_due__gte=now, resolution_due__lt=now + AT_RISK):
        owner = _owner(ticket)
        if owner is not None:
            candidates.append((owner, NoticeKind.SLA_RISK, ticket,
                               f"sla_risk:{ticket.pk}:{ticket.resolution_due.isoformat()}", _when(ticket.resolution_due)))
    for ticket in running.filter(resolution_due__lt=now, resolution_due__gte=now - LOOKBACK):
        due = ticket.resolution_due.isoformat()
        if ticket.assignee_id:
            candidates.append((ticket.assignee, NoticeKind.SLA_BREACHED, ticket, f"sla_asim:{ticket.pk}:{due}",
                               _when(ticket.resolution_due)))
        lead = ticket.team.lead if ticket.team_id else None
        if lead is not None and lead.pk != ticket.assignee_id:
            candidates.append((lead, NoticeKind.ESCALATED, ticket, f"yukseltme:{ticket.pk}:{due}",
                               _when(ticket.resolution_due)))
    pending = (Ticket.objects.filter(cimer.legal_q("pending", now), legal_due__gte=now - LOOKBACK)
               .select_related("assignee", "team__lead"))
    for ticket in pending.filter(legal_due__lt=now + timedelta(days=cimer.WARNINGS[0])):
        left = ticket.legal_due - now
        stage = "0" if left <= timedelta(0) else "2" if left < timedelta(days=cimer.WARNINGS[1]) else "7"
        lead = ticket.team.lead if ticket.team_id else None
        detail = _when(ticket.legal_due) + (f" – {_('deadline passed')}" if stage == "0" else "")
        for user in {u for u in (ticket.assignee, lead) if u is not None}:
            candidates.append((user, NoticeKind.CIMER, ticket, f"cimer{stage}:{ticket.pk}", detail))
    made = 0
    for user, kind, ticket, key, detail in _not_told(candidates):
        made += _tell(user, kind, key, ticket, detail=detail, now=now) is not None
    return made
