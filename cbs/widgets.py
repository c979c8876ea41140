"""Map widget for geometry fields: Django's OpenLayers widget, served locally, no inline script."""

from django.conf import settings
from django.contrib.gis.forms.widgets import OpenLayersWidget


class LocalMapWidget(OpenLayersWidget):
    """OpenLayers from our static files; options passed as JSON, started by map_widget.js."""

    template_name = "cbs/widgets/map_widget.html"

    class Media:
        extend = False  # the parent's Media points at a CDN
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "cbs/js/map_widget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        minx, miny, maxx, maxy = settings.CBS_MAP_BBOX
        context["widget_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": self.map_srid,
            "name": name,
            "default_lon": (minx + maxx) / 2,
            "default_lat": (miny + maxy) / 2,
            "default_zoom": 14,
            "base_url": getattr(settings, "CBS_BASEMAP_URL", "") or "",
        }
        context["options_id"] = f"{context['id']}_options"
        return context
