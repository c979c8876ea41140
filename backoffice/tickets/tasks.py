"""Ticket mail sent by the queue's worker: temporary SMTP failures are retried with a growing
wait, every failure is logged, a permanent refusal (5xx) ends the job failed at once."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from procrastinate import BaseRetryStrategy, RetryStrategy
from procrastinate.contrib.django import app

from cbs.queue import MAIL, PRIORITY, WorkerStalled

from . import notifications

log = logging.getLogger(__name__)


class MailRefused(Exception):
    """The mail server refused for good (5xx): trying again changes nothing."""


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


class MailRetry(BaseRetryStrategy):
    """CBS_MAIL_RETRIES retries after CBS_MAIL_RETRY_BASE_SECONDS ** 1, 2, 3 … seconds (read when
    a mail fails, not when the task is defined)."""

    def get_retry_decision(self, *, exception, job):
        strategy = RetryStrategy(max_attempts=settings.CBS_MAIL_RETRIES,
                                 exponential_wait=settings.CBS_MAIL_RETRY_BASE_SECONDS,
                                 retry_exceptions=(OSError, WorkerStalled))  # smtplib's errors are OSErrors
        return strategy.get_retry_decision(exception=exception, job=job)


@app.task(name="tickets.send_mail", queue=MAIL, priority=PRIORITY[MAIL], retry=MailRetry(), pass_context=True)
def send_ticket_mail(context, **job_args) -> bool:
    """Send one ticket mail (see notifications.deliver); True when sent."""
    attempt = context.job.attempts + 1
    what = f"{job_args.get('kind')} mail of ticket {job_args.get('ticket_id')}"
    try:
        return notifications.deliver(**job_args)
    except OSError as exc:
        if _permanent(exc):
            log.error("%s refused by the mail server (attempt %d): %s", what, attempt, exc)
            raise MailRefused(str(exc)) from exc
        if attempt > settings.CBS_MAIL_RETRIES:
            log.error("%s not sent, given up after %d attempts: %r", what, attempt, exc)
        else:
            log.warning("%s not sent (attempt %d of %d, tried again later): %r", what, attempt,
                        settings.CBS_MAIL_RETRIES + 1, exc)
        raise


from . import periodic  # noqa: E402,F401  (mail intake and deadline watch: registered with the queue)
