"""Who may do what: the single place permission questions are answered."""

from __future__ import annotations

from dataclasses import dataclass

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

    The widest grant wins: any unlimited edit grant means no limit, also when a group grant is
    what gives it (`effective_permissions` shows administrators where that happens).
    """
    if user is not None and user.is_superuser:
        return None
    areas = _edit_areas(_grants(user, layer_resource(layer)))
    if areas is None:
        return None
    geometries = [m.geom for m in areas]
    return GeometryCollection(geometries, srid=geometries[0].srid).unary_union if geometries else None


def _edit_areas(grants: list[Grant]) -> list | None:
    """The mahalle an edit may touch under these grants: None = the whole municipality."""
    edits = [g for g in grants if g.level == GrantLevel.EDIT]
    if any(not g.areas.all() for g in edits):
        return None
    return list({m.pk: m for g in edits for m in g.areas.all()}.values())


@dataclass(frozen=True)
class Widening:
    """A grant that lets the user do more than a limited grant the user holds personally."""

    own: Grant  # the user's own grant: edit limited to some mahalle, or view only
    wider: Grant  # another grant on the same layer/module: a group's, or another own one
    outside: tuple[str, ...] | None  # mahalle it adds beyond `own`; None = everywhere

    @property
    def source(self) -> str:
        """Where the wider grant comes from: the group's name, or the user's own grant."""
        if self.wider.group_id:
            return str(_("group %(name)s") % {"name": self.wider.group.name})
        return str(_("own grant on %(resource)s") % {"resource": resource_label(self.wider.resource)})


@dataclass(frozen=True)
class EffectivePermission:
    """What a user may do on one layer or back-office module, their own and group grants joined."""

    resource: str  # "layer:bi-bina" or "module:tickets" (back-office layers follow their module)
    title: str
    level: str  # GrantLevel: the highest level of the grants
    edit_areas: tuple[str, ...] | None  # mahalle names edits are limited to; None = anywhere
    grants: tuple[Grant, ...]  # every grant that applies, own and group
    widenings: tuple[Widening, ...]

    @property
    def can_edit(self) -> bool:
        return self.level == GrantLevel.EDIT


def resource_label(resource: str) -> str:
    """The administrator's name of a grant resource ("bi-bina – Binalar", "Modül: tickets")."""
    return dict(resource_choices()).get(resource, resource)


def effective_permissions(*, user) -> list[EffectivePermission]:
    """Every layer and module the user may view or edit, with the mahalle edits are limited to.

    The same rule as `user_can` / `edit_area`: the union of the user's own and group grants
    (`layers:*` counts for every layer), the highest level and the widest area winning. Each
    row names the grants it comes from and where a grant widens one the user holds personally
    (a group's unlimited edit grant overriding an edit grant limited to one mahalle, say).
    Superusers may do everything and hold no rows; inactive users may do nothing.
    """
    if user is None or not user.is_active or user.is_superuser:
        return []
    grants = list(Grant.objects.filter(Q(user=user) | Q(group__user=user)).distinct()
                  .select_related("group", "user").prefetch_related("areas")
                  .order_by("resource", "group__name", "pk"))
    rows = [(f"layer:{layer.name}", str(layer.title), {f"layer:{layer.name}", "layers:*"})
            for layer in sorted(all_layers(), key=lambda layer: str(layer.title)) if not layer.module]
    rows += [(f"module:{m}", resource_label(f"module:{m}"), {f"module:{m}"}) for m in MODULES]
    result = []
    for resource, title, resources in rows:
        applying = [g for g in grants if g.resource in resources]
        if not applying:
            continue
        level = max((g.level for g in applying), key=LEVELS.__getitem__)
        areas = _edit_areas(applying) if level == GrantLevel.EDIT else None
        result.append(EffectivePermission(
            resource=resource, title=title, level=level,
            edit_areas=None if areas is None else tuple(sorted(m.adi for m in areas)),
            grants=tuple(applying), widenings=tuple(_widenings(applying)),
        ))
    return result


def _widenings(grants: list[Grant]) -> list[Widening]:
    found = []
    for own in grants:
        if own.user_id is None:
            continue
        own_areas = {m.pk for m in own.areas.all()}
        if own.level == GrantLevel.EDIT and not own_areas:
            continue  # unlimited already: nothing can widen it
        for wider in grants:
            if wider.pk == own.pk or wider.level != GrantLevel.EDIT:
                continue
            if own.level == GrantLevel.VIEW:  # view only, but another grant edits
                outside = None if not wider.areas.all() else tuple(sorted(m.adi for m in wider.areas.all()))
            elif not wider.areas.all():
                outside = None
            else:
                extra = [m.adi for m in wider.areas.all() if m.pk not in own_areas]
                if not extra:
                    continue
                outside = tuple(sorted(extra))
            found.append(Widening(own=own, wider=wider, outside=outside))
    return found
