from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cbs.accounts"
    label = "accounts"
    verbose_name = _("Staff and permissions")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .default_role import give_default_role

        post_save.connect(give_default_role, sender=get_user_model(), dispatch_uid="cbs_default_role")
