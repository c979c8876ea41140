"""Periodic help-desk jobs on the queue's worker: read the intake mailbox (every minute, when
CBS_MAIL_INTAKE_HOST is set) and watch SLA and CİMER deadlines (every five minutes). Each has a
lock, so a slow run is never overlapped by the next."""

from __future__ import annotations

import imaplib
import logging

from django.conf import settings
from procrastinate.contrib.django import app

from cbs.queue import MAINTENANCE, PRIORITY

from . import mail_intake, ticket_notices

log = logging.getLogger(__name__)


@app.periodic(cron="* * * * *")
@app.task(name="tickets.read_intake_mailbox", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="tickets.read_intake_mailbox", lock="tickets.read_intake_mailbox")
def read_intake_mailbox(timestamp: int) -> dict:
    """New mails → tickets and replies (mail_intake.read_mailbox); an unreachable server is logged."""
    if not settings.CBS_MAIL_INTAKE_HOST:
        return {}
    try:
        return mail_intake.read_mailbox().counts
    except (OSError, imaplib.IMAP4.error, RuntimeError) as exc:  # server, login or configuration
        log.error("mail intake: the mailbox could not be read (tried again in a minute): %r", exc)
        return {"error": str(exc)[:200]}


@app.periodic(cron="*/5 * * * *")
@app.task(name="tickets.watch_deadlines", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="tickets.watch_deadlines", lock="tickets.watch_deadlines")
def watch_deadlines(timestamp: int) -> int:
    """SLA at risk / breached (escalated to the team lead) and CİMER 7/2-day warnings, each once."""
    return ticket_notices.watch_deadlines()
