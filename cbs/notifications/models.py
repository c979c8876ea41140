"""Notifications of a user (the bell) and each user's choice of how to hear about each kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .kinds import DETAIL_TEXT, TEXT, NoticeKind


class Notification(models.Model):
    """One notice to one user. `key` names the event (e.g. "sla_asim:42:<due>"), so each notice
    is made once however often the job that finds it runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    key = models.CharField(_("key"), max_length=200)
    number = models.CharField(_("number"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=300)
    in_app = models.BooleanField(_("shown in the bell"), default=True)
    emailed = models.BooleanField(_("e-mail queued"), default=False)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notifications_notification_once")]
        indexes = [models.Index(fields=["user", "created_at"], name="notifications_unread",
                                condition=Q(read_at__isnull=True, in_app=True))]

    def __str__(self) -> str:
        return self.text()

    def text(self) -> str:
        """The line in the reader's language."""
        detail = DETAIL_TEXT[self.kind](self.detail) if self.kind in DETAIL_TEXT else self.detail
        return str(TEXT[self.kind]) % {"number": self.number, "detail": detail}


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row the kind's default holds (kinds.DEFAULTS)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    in_app = models.BooleanField(_("in the bell"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_unique")]
