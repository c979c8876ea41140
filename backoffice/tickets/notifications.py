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

ASSIGNED, RESOLVED, RECEIVED, REPLY = "assigned", "resolved", "received", "reply"


def subject_tag(ticket: Ticket) -> str:
    """"[#2026-000123]": every outgoing subject starts with it; an answer keeping it is threaded
    onto the ticket by the e-mail intake (mail_intake.TICKET_TAG)."""
    return f"[#{ticket.number}]"


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


def queue_received(ticket: Ticket) -> int:
    """The requester of a ticket opened by e-mail learns its number (once the transaction commits)."""
    from .tasks import send_ticket_mail

    return send_ticket_mail.defer(ticket_id=ticket.pk, kind=RECEIVED, language=_language())


def queue_reply(ticket: Ticket, event: TicketEvent) -> int:
    """The requester reads a reply of the help desk (once the caller's transaction commits)."""
    from .tasks import send_ticket_mail

    return send_ticket_mail.defer(ticket_id=ticket.pk, kind=REPLY, event_id=event.pk, language=_language())


def _requester_address(ticket: Ticket) -> str:
    return ticket.requester_email or (ticket.requester_staff.email if ticket.requester_staff else "")


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
        elif kind == RECEIVED:
            recipient = _requester_address(ticket)
            subject = _("Your request %(number)s was received") % {"number": ticket.number}
            body = "\n\n".join((ticket.title, _("Your request was recorded as %(number)s. To add to it, answer this "
                                                "mail and keep the number in the subject.") % {"number": ticket.number}))
        elif kind == REPLY:
            recipient = _requester_address(ticket)
            note = TicketEvent.objects.filter(pk=event_id, ticket=ticket).values_list("text", flat=True).first() or ""
            subject = _("Reply to your request %(number)s") % {"number": ticket.number}
            body = f"{ticket.title}\n\n{note}"
        elif kind == RESOLVED:
            recipient = _requester_address(ticket)
            note = TicketEvent.objects.filter(pk=event_id, ticket=ticket).values_list("text", flat=True).first() or ""
            subject = _("Your request %(number)s is resolved") % {"number": ticket.number}
            body = f"{ticket.title}\n\n{note}"
        else:
            raise ValueError(f"unknown ticket mail {kind!r}")
    if not recipient:
        return None
    # Marked automatic and carrying our address in X-Loop: auto-responders stay quiet and an echo
    # of our own mail is recognised by the intake.
    return EmailMessage(f"{subject_tag(ticket)} {subject}", body, settings.DEFAULT_FROM_EMAIL, [recipient],
                        headers={"Auto-Submitted": "auto-generated", "X-Loop": settings.CBS_MAIL_INTAKE_ADDRESS})


def deliver(**job_args) -> bool:
    """Send the mail of a queued job now (raises what the mail backend raises); False: nobody to send to."""
    mail = message(**job_args)
    if mail is None:
        return False
    mail.send()
    return True
