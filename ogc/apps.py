from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OgcConfig(AppConfig):
    name = "ogc"
    verbose_name = _("OGC API")

    def ready(self) -> None:
        from . import crs_spec, formatters, page_config

        page_config.install()  # pygeoapi's pages would render with another caller's configuration
        formatters.install()  # f=csv neutralises text against formulas
        crs_spec.install()  # pygeoapi rebuilt pyproj CRS objects for every items request
