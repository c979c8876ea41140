"""Admin pages for every registered layer, generated from the registry."""


from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from cbs.accounts.selectors import layer_resource, user_can
from cbs.widgets import LocalMapWidget

from . import catalog  # noqa: F401  (admin autodiscovery runs before LayersConfig.ready)
from .models import BaseMap, LayerPublication
from .publication import publication_set
from .registry import Layer, all_layers, get_layer
from .services import check_edit, feature_delete, feature_save


class LayerAdmin(GISModelAdmin):
    """Admin for one layer: rights from the layer grants; writes go through layers.services."""

    gis_widget = LocalMapWidget
    layer: type[Layer]
    readonly_fields = ("tucbs_no", "version", "surum_baslangic_zamani")

    def _can(self, request, level: str) -> bool:
        return user_can(request.user, layer_resource(self.layer), level)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return self._can(request, "view")

    def has_add_permission(self, request) -> bool:
        return self._can(request, "edit")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._can(request, "edit")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._can(request, "edit")

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The model form, plus the user's editing-area check shown next to the geometry."""
        base = super().get_form(request, obj, change=change, **kwargs)
        layer = self.layer
        original = getattr(obj, layer.geometry_field, None) if obj is not None else None

        class AreaCheckedForm(base):
            def clean(self):
                cleaned = super().clean()
                geom = cleaned.get(layer.geometry_field)
                if geom is not None:
                    try:
                        check_edit(user=request.user, layer=layer,
                                   geometries=[g for g in (geom, original) if g is not None])
                    except ValidationError as exc:
                        self.add_error(layer.geometry_field, exc.messages)
                return cleaned

        return AreaCheckedForm

    def save_model(self, request, obj, form, change) -> None:
        # The form already checked; a refusal here is a race, reported as 403, never a 500.
        try:
            feature_save(layer=self.layer, instance=obj, user=request.user)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def delete_model(self, request, obj) -> None:
        try:
            feature_delete(layer=self.layer, instance=obj, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """A feature's history is its page of versions (from the layer's history table)."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        return redirect(reverse("layers:feature_history", args=[self.layer.name, obj.tucbs_no]))


def make_admin(layer: type[Layer]) -> type[LayerAdmin]:
    return type(
        f"{layer.model.__name__}Admin",
        (LayerAdmin,),
        {
            "layer": layer,
            "list_display": layer.list_fields,
            "search_fields": layer.search_fields,
            "list_select_related": True,
            # Thousands of buildings: pick references by id, not from a giant dropdown.
            "raw_id_fields": tuple(f.name for f in layer.meta().concrete_fields if f.is_relation),
        },
    )


for _layer in all_layers():
    admin.site.register(_layer.model, make_admin(_layer))


@admin.register(LayerPublication)
class LayerPublicationAdmin(admin.ModelAdmin):
    """Publication states; changes go through layers.publication.publication_set."""

    list_display = ("layer", "state", "decision_number", "decision_date", "changed_by", "changed_at")
    list_filter = ("state",)
    readonly_fields = ("changed_by", "changed_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        publication_set(layer=get_layer(obj.layer), state=obj.state,
                        decision_number=obj.decision_number, decision_date=obj.decision_date,
                        user=request.user)
        obj.pk = LayerPublication.objects.get(layer=obj.layer).pk


@admin.register(BaseMap)
class BaseMapAdmin(admin.ModelAdmin):
    """Base maps offered in every map's switcher (orthophoto WMS, XYZ tiles …)."""

    list_display = ("name", "kind", "url", "order", "is_default", "enabled")
    list_editable = ("order", "enabled")
    list_filter = ("kind", "enabled")
