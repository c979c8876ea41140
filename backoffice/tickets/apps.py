from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "backoffice.tickets"
    label = "tickets"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from cbs.notifications.kinds import DETAIL_TEXT, NoticeKind

        from .ticket_notices import status_text

        DETAIL_TEXT[NoticeKind.STATUS] = status_text  # status notices keep the code, read in the reader's language
