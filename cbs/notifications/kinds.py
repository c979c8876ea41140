"""What a user can be told about, how it reads, and what each user gets unless they choose
otherwise (in the bell, by e-mail)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeKind(models.TextChoices):
    ASSIGNED = "atama", pgettext_lazy("notification", "Assigned to me")
    REPLY = "yanit", pgettext_lazy("notification", "New reply")
    STATUS = "durum", pgettext_lazy("notification", "Status change")
    SLA_RISK = "sla_risk", pgettext_lazy("notification", "SLA at risk")
    SLA_BREACHED = "sla_asim", pgettext_lazy("notification", "SLA breached")
    ESCALATED = "yukseltme", pgettext_lazy("notification", "Escalated to me (team lead)")
    CIMER = "cimer", pgettext_lazy("notification", "CİMER answer deadline")


# One line per kind: what happened to ticket %(number)s.
TEXT = {
    NoticeKind.ASSIGNED: _("Ticket %(number)s was assigned to you."),
    NoticeKind.REPLY: _("New reply on ticket %(number)s."),
    NoticeKind.STATUS: _("Ticket %(number)s is now: %(detail)s."),
    NoticeKind.SLA_RISK: _("Ticket %(number)s is due within two hours (%(detail)s)."),
    NoticeKind.SLA_BREACHED: _("Ticket %(number)s is past its resolution time (%(detail)s)."),
    NoticeKind.ESCALATED: _("Ticket %(number)s of your team is past its resolution time (%(detail)s)."),
    NoticeKind.CIMER: _("CİMER application of ticket %(number)s must be answered by %(detail)s."),
}

# How the stored detail of a kind reads in the reader's language, for kinds whose detail is a code
# (registered by the app that makes such notices: tickets' status changes keep the status code);
# any other detail is shown as stored.
DETAIL_TEXT: dict[str, Callable[[str], str]] = {}

# kind: (in the bell, by e-mail)
DEFAULTS: dict[str, tuple[bool, bool]] = {
    NoticeKind.ASSIGNED: (True, True),
    NoticeKind.REPLY: (True, True),
    NoticeKind.STATUS: (True, False),
    NoticeKind.SLA_RISK: (True, False),
    NoticeKind.SLA_BREACHED: (True, True),
    NoticeKind.ESCALATED: (True, True),
    NoticeKind.CIMER: (True, True),
}
