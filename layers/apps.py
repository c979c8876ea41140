from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Thematic layers")

    def ready(self) -> None:
        from . import catalog  # noqa: F401  (registers the layers)
