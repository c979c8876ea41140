"""Admin widgets: the map widget for geometry fields (Django's OpenLayers widget, served locally,
no inline script) and an autocomplete that survives a submitted value that is no id."""

from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.gis.forms.widgets import OpenLayersWidget
from django.core.exceptions import ValidationError


class LocalMapWidget(OpenLayersWidget):
    """OpenLayers from our static files; options passed as JSON, started by map_widget.js."""

    template_name = "cbs/widgets/map_widget.html"

    class Media:
        extend = False  # the parent's Media points at a CDN
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "cbs/css/site.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "cbs/js/confirm.js", "cbs/js/map_widget.js")

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


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's admin autocomplete, redisplaying a refused form whose value is no id at all.

    Django looks the submitted values up with `pk__in` to show them again, and a value like 'abc'
    makes that lookup raise ValueError (a 500 instead of the form's own "Select a valid choice").
    Values the target field cannot hold are left out of that lookup.
    """

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None) or self.field.remote_field.model._meta.pk.name)
        usable = []
        for item in value:
            try:
                target.run_validators(target.to_python(item))
            except (ValidationError, TypeError, ValueError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)
