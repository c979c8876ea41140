"""Admin pages for every registered layer, generated from the registry."""

from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import ValidationError

from cbs.widgets import LocalMapWidget

from . import catalog  # noqa: F401  (admin autodiscovery runs before LayersConfig.ready)
from .registry import Layer, all_layers
from .services import feature_delete, feature_save


class LayerAdmin(GISModelAdmin):
    """Admin for one layer; writes go through layers.services."""

    gis_widget = LocalMapWidget
    layer: type[Layer]
    readonly_fields = ("tucbs_no", "version", "surum_baslangic_zamani")

    def save_model(self, request, obj, form, change) -> None:
        feature_save(layer=self.layer, instance=obj, user=request.user)

    def delete_model(self, request, obj) -> None:
        try:
            feature_delete(layer=self.layer, instance=obj, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def make_admin(layer: type[Layer]) -> type[LayerAdmin]:
    return type(
        f"{layer.model.__name__}Admin",
        (LayerAdmin,),
        {
            "layer": layer,
            "list_display": layer.list_fields,
            "search_fields": layer.search_fields,
            "list_select_related": True,
        },
    )


for _layer in all_layers():
    admin.site.register(_layer.model, make_admin(_layer))
