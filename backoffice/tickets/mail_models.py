"""What the e-mail intake has read: one row per message of the department mailbox, written in the
same transaction as the ticket or reply it made, so a message is never turned into work twice
(its IMAP UID and its Message-ID are both unique here), even when the process dies between
committing and flagging the message on the server."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MailOutcome(models.TextChoices):
    TICKET = "ticket", _("New ticket")
    REPLY = "reply", _("Reply added")
    IGNORED = "ignored", _("Ignored (auto-reply or loop)")
    REJECTED = "rejected", _("Rejected (moved aside)")


class MailboxMessage(models.Model):
    """One message read from the intake mailbox. Holds no personal data: the sender only as a
    SHA-256 digest (for the per-sender loop guard), no subject and no body."""

    mailbox = models.CharField(_("mailbox"), max_length=200)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"))
    uid = models.BigIntegerField(_("UID"))
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    sender_digest = models.CharField(_("sender (SHA-256)"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=MailOutcome.choices)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="mails")
    received_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("intake e-mail")
        verbose_name_plural = _("intake e-mails")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], name="tickets_mailboxmessage_unique_uid"),
            models.UniqueConstraint(fields=["message_id"], condition=~Q(message_id=""),
                                    name="tickets_mailboxmessage_unique_message_id"),
        ]
        indexes = [models.Index(fields=["sender_digest", "received_at"], name="tickets_mail_sender_time")]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uidvalidity}/{self.uid} {self.outcome}"
