from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "backoffice.assets"
    label = "assets"
    verbose_name = _("Assets")

    def ready(self) -> None:
        from . import layers  # noqa: F401  (registers the asset layers)
