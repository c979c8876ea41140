"""Notification mail sent by the queue's worker, retried like ticket mail (CBS_MAIL_RETRIES)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from procrastinate import BaseRetryStrategy, RetryStrategy
from procrastinate.contrib.django import app

from cbs.queue import MAIL, PRIORITY, WorkerStalled

from .models import Notification

log = logging.getLogger(__name__)


class NotificationMailRetry(BaseRetryStrategy):
    def get_retry_decision(self, *, exception, job):
        strategy = RetryStrategy(max_attempts=settings.CBS_MAIL_RETRIES,
                                 exponential_wait=settings.CBS_MAIL_RETRY_BASE_SECONDS,
                                 retry_exceptions=(OSError, WorkerStalled))
        return strategy.get_retry_decision(exception=exception, job=job)


def message(notice: Notification, language: str) -> EmailMessage | None:
    """The mail of a notice: the ticket number in the subject as [#number] (a reply to it is
    threaded by the e-mail intake), marked automatic so auto-responders stay quiet."""
    if not notice.user.email or not notice.user.is_active:
        return None
    with translation.override(language):
        text = notice.text()
        subject = f"[#{notice.number}] {text}"
        body = "\n\n".join(part for part in (text, notice.subject, f"{settings.CBS_SITE_URL}{notice.url}",
                                              _("You can choose which notices you get by e-mail at %(url)s.")
                                              % {"url": f"{settings.CBS_SITE_URL}/notifications/preferences/"})
                           if part)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.user.email],
                        headers={"Auto-Submitted": "auto-generated", "X-Loop": settings.CBS_MAIL_INTAKE_ADDRESS})


@app.task(name="notifications.send_mail", queue=MAIL, priority=PRIORITY[MAIL], retry=NotificationMailRetry())
def send_notification_mail(notification_id: int, language: str) -> bool:
    """Send the e-mail of one notice; False when there is nobody (left) to send it to."""
    notice = Notification.objects.select_related("user").filter(pk=notification_id).first()
    mail = message(notice, language) if notice is not None else None
    if mail is None:
        return False
    try:
        mail.send()
    except OSError as exc:
        log.warning("notification mail %s not sent: %r", notification_id, exc)
        raise
    return True
