from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CbsConfig(AppConfig):
    name = "cbs"
    verbose_name = _("Kent CBS")
