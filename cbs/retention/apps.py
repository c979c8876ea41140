from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "cbs.retention"
    label = "retention"
    verbose_name = _("Data retention (KVKK)")
