"""Ticket mail: queued in the ticket's own transaction, sent by the queue's worker
(`tasks.send_ticket_mail`), never inside a request, so a mail server that is down or refuses
costs the user nothing (it is retried and logged).

Only ids go into the queue (its rows are kept for days and shown in the admin): the recipient's
address and the texts are read when the mail is sent, in the language of the request that
caused it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Ticket, TicketEvent

ASSIGNED, RESOLVED = "assigned", "resolved"


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def queue_assigned(ticket: Ticket, assignee) -> int:
    """The assignee hears about the ticket (once the caller's transaction commits)."""
    from .tasks import send_ticket_mail

    return send_ticket_mail.defer(ticket_id=ticket.pk, kind=ASSIGNED, assignee_id=assignee.pk, language=_language())


def queue_resolved(ticket: Ticket, event: TicketEvent) -> int:
    """The requester reads the resolution note of `event` (once the caller's transaction commits)."""
    from .tasks import send_ticket_mail

    return send_ticket_mail.defer(ticket_id=ticket.pk, kind=RESOLVED, event_id=event.pk, language=_language())


def message(*, ticket_id: int, kind: str, language: str, assignee_id: int | None = None,
            event_id: int | None = None) -> EmailMessage | None:
    """The mail as it is to be sent now; None when there is nobody (left) to send it to."""
    ticket = Ticket.objects.select_related("requester_staff").filter(pk=ticket_id).first()
    if ticket is None:
        return None
    with translation.override(language):
        if kind == ASSIGNED:
            assignee = get_user_model().objects.filter(pk=assignee_id).first()
            recipient = assignee.email if assignee is not None else ""
            subject = _("Ticket %(number)s assigned to you") % {"number": ticket.number}
            body = f"{ticket.title}\n\n{ticket.description}\n\n{_('Resolution due')}: {ticket.resolution_due}"
        elif kind == RESOLVED:
            recipient = ticket.requester_email or (ticket.requester_staff.email if ticket.requester_staff else "")
            note = TicketEvent.objects.filter(pk=event_id, ticket=ticket).values_list("text", flat=True).first() or ""
            subject = _("Your request %(number)s is resolved") % {"number": ticket.number}
            body = f"{ticket.title}\n\n{note}"
        else:
            raise ValueError(f"unknown ticket mail {kind!r}")
    if not recipient:
        return None
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])


def deliver(**job_args) -> bool:
    """Send the mail of a queued job now (raises what the mail backend raises); False: nobody to send to."""
    mail = message(**job_args)
    if mail is None:
        return False
    mail.send()
    return True
