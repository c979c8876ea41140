"""Who may do what: the single place permission questions are answered."""

from __future__ import annotations

from django.contrib.gis.geos import GeometryCollection, GEOSGeometry
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layers.registry import all_layers

from .models import Grant, GrantLevel
from .roles import MODULES

LEVELS = {GrantLevel.VIEW: 1, GrantLevel.EDIT: 2}


def resource_choices() -> list[tuple[str, str]]:
    choices = [("layers:*", str(_("Every layer")))]
    choices += [(f"layer:{layer.name}", f"{layer.name} – {layer.title}") for layer in all_layers()
                if not layer.module]
    module = _("Module")  # outside the f-string: makemessages does not look inside f-strings
    choices += [(f"module:{m}", f"{module}: {m}") for m in MODULES]
    return choices


def _user_grants(user) -> list[Grant]:
    """The user's own and group grants, fetched once per user object (i.e. per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_cbs_grants", None)
    if cached is None:
        cached = list(Grant.objects.filter(Q(user=user) | Q(group__user=user))
                      .prefetch_related("areas").distinct())
        user._cbs_grants = cached
    return cached


def _grants(user, resource: str) -> list[Grant]:
    resources = {resource, "layers:*"} if resource.startswith("layer:") else {resource}
    return [g for g in _user_grants(user) if g.resource in resources]


def user_can(user, resource: str, level: str = GrantLevel.VIEW) -> bool:
    """Whether the user holds `level` (view/edit) on `resource` ("layer:bi-bina", "module:tickets")."""
    if user is not None and user.is_active and user.is_superuser:
        return True
    needed = LEVELS[level]
    return any(LEVELS[g.level] >= needed for g in _grants(user, resource))


def layer_resource(layer) -> str:
    """The grant resource that governs a layer: its module's for back-office layers."""
    return f"module:{layer.module}" if layer.module else f"layer:{layer.name}"


def viewable_layers(user) -> frozenset[str]:
    """Names of the layers a member of staff may read."""
    return frozenset(layer.name for layer in all_layers() if user_can(user, layer_resource(layer)))


def edit_area(user, layer) -> GEOSGeometry | None:
    """Where the user may edit the layer: None = anywhere; an (empty) geometry otherwise.

    The widest grant wins: any unlimited edit grant means no limit.
    """
    if user is not None and user.is_superuser:
        return None
    grants = [g for g in _grants(user, layer_resource(layer)) if g.level == GrantLevel.EDIT]
    if any(not g.areas.all() for g in grants):
        return None
    geometries = [m.geom for g in grants for m in g.areas.all()]
    return GeometryCollection(geometries, srid=geometries[0].srid).unary_union if geometries else None
