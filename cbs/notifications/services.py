"""Writes to notifications: make a notice once (in the bell and/or queued as e-mail, by the
user's choice), mark read, save a user's choices. Mail is only queued here (with the caller's
transaction) and sent by the worker (tasks.send_notification_mail)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cbs.audit.services import audit_model_write

from .kinds import DEFAULTS, NoticeKind
from .models import Notification, NotificationPreference


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """kind: (in the bell, by e-mail) for the user, defaults where they chose nothing."""
    chosen = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in NoticeKind.values}


@transaction.atomic
def notify(*, user, kind: str, key: str, number: str, url: str, subject: str = "", detail: str = "",
           now: datetime | None = None, send_mail: Callable[[], object] | None = None) -> Notification | None:
    """Tell `user` about `key` once: a row for the bell (if they want it there) and an e-mail
    queued (if they want e-mail and have an address) – `send_mail` queues a mail of the caller's
    own, else the generic one. None when nothing was made (inactive user, already told, opted out)."""
    if user is None or not user.is_active:
        return None
    in_app, email = preferences_of(user)[kind]
    email = email and bool(user.email)
    if not (in_app or email):
        return None
    try:
        with transaction.atomic():  # a savepoint: "already told" must not spoil the caller's transaction
            notice = Notification.objects.create(
                user=user, kind=kind, key=key[:200], number=number[:30], subject=subject[:200],
                detail=str(detail)[:200], url=url[:300], in_app=in_app, emailed=email,
                created_at=now or timezone.now())
    except IntegrityError:
        return None
    if email:
        if send_mail is not None:
            send_mail()
        else:
            from .tasks import send_notification_mail

            send_notification_mail.defer(notification_id=notice.pk,
                                         language=translation.get_language() or settings.LANGUAGE_CODE)
    return notice


def mark_read(*, user, ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's unread notices read (all of them, or those of `ids`); only their own."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())


@transaction.atomic
def preferences_save(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the user's choice for every kind (unknown kinds are refused), audited."""
    unknown = set(choices) - set(NoticeKind.values)
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    before = preferences_of(user)
    for kind, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind,
                                                        defaults={"in_app": in_app, "email": email})
    after = preferences_of(user)
    if after != before:
        audit_model_write(action="update", obj=user, user=user,
                          before={"notification_preferences": before},
                          after={"notification_preferences": after})
