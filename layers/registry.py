"""The layer registry: the single source of truth for every published thematic layer.

Admin, sample loading, selectors and the pygeoapi configuration are all derived from the
`Layer` classes registered here (see layers/catalog.py).
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NAME_PATTERN = re.compile(r"^[a-z]{2}-[a-z][a-z0-9-]*$")

# TUCBS theme codes with their Turkish-first titles (translated through i18n).
THEMES: dict[str, Promise] = {
    "ID": _("Administrative units"),
    "AD": _("Address"),
    "BI": _("Buildings"),
    "UL": _("Transport networks"),
    "KH": _("Public services"),
    "AK": _("Land use / zoning"),
    "TK": _("Land registry and cadastre"),
    "AY": _("Utility networks"),
}


class Access:
    """Who may read a layer through the OGC API at most (later issues refine per caller)."""

    PUBLIC = "public"      # may be published to anyone once approved
    PROTOCOL = "protocol"  # only to partners under a protocol (e.g. KGYS cameras for the police)
    INTERNAL = "internal"  # never leaves the municipality (e.g. TKGM parcels)


class Layer:
    """Declarative description of one thematic layer."""

    model: type[models.Model]
    name: str                       # registry key = OGC collection id = URL slug = sample file
    theme: str                      # TUCBS theme code, e.g. "BI"
    title: Promise | str
    description: Promise | str = ""
    keywords: tuple[str, ...] = ()
    geometry_field: str = "geom"
    # Model field names published through OGC / exports; the published property name of each
    # is its db column, which carries the TUCBS attribute name.
    published_fields: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    access: str = Access.PUBLIC
    # Sensitive layers (cameras, network, parcels) can never become public.
    sensitive: bool = False
    # Map: stroke/fill colour and the lowest zoom at which the layer is drawn.
    map_color: str = "#3366cc"
    map_min_zoom: int = 10
    map_visible: bool = True  # switched on when the map opens
    # Labels and categorized styles (map, print, WMS – all read them through layers.styles):
    # the model field whose value is written on the map, from which zoom on; the code-list field
    # whose value picks a colour (labels from its choices; colours from map_class_colors, the
    # rest from a fixed palette).
    map_label_field: str | None = None
    map_label_min_zoom: int = 15
    map_class_field: str | None = None
    map_class_colors: dict[str, str] = {}
    # Topology rules checked on every single-feature write (layers.topology).
    topology: tuple = ()
    # Columns the model computes from the geometry (in clean()), as SQL over the new geometry
    # `{geom}`, for writers that bypass the model: the import writes them set-based.
    computed_columns: dict[str, str] = {}
    # A back-office module ("assets") whose grant governs the layer instead of layer grants.
    module: str | None = None
    # The layer's history model (`<table>_surum`), generated at registration (layers.models.history).
    history: type[models.Model]

    # Attributes every TUCBS feature carries, published for every layer.
    common_fields: tuple[str, ...] = (
        "tucbs_no", "surum_baslangic_zamani", "surum_bitis_zamani",
        "gecerlilik_baslangici", "gecerlilik_sonu",
    )

    @classmethod
    def check_change(cls, before: dict | None, instance: models.Model) -> None:
        """Rules on changing a stored feature (`before`: its published properties), e.g. a
        status lifecycle; raise ValidationError to refuse. Every update path calls it."""

    @classmethod
    def identify_actions(cls, instance: models.Model, user) -> list[dict]:
        """Extra buttons of the identify panel ({"kind", "label", "url"}), e.g. an asset's page;
        the layer's module adds them, so layers/ never imports the back office."""
        return []

    @classmethod
    def meta(cls):
        return cls.model._meta

    @classmethod
    def geometry(cls):
        return cls.meta().get_field(cls.geometry_field)

    @classmethod
    def geometry_type(cls) -> str:
        return cls.model.geometry_type

    @classmethod
    def property_fields(cls) -> list[models.Field]:
        """Published model fields (common ones first), in a stable order."""
        meta = cls.meta()
        return [meta.get_field(n) for n in (*cls.common_fields, *cls.published_fields)]

    @classmethod
    def properties(cls) -> dict[str, models.Field]:
        """Published property name (TUCBS, = db column) -> model field."""
        return {f.column: f for f in cls.property_fields()}


_layers: dict[str, type[Layer]] = {}


def register_layer(cls: type[Layer]) -> type[Layer]:
    """Class decorator: validate and register a layer."""
    if cls.name in _layers:
        raise ImproperlyConfigured(f"Layer {cls.name!r} registered twice")
    if not NAME_PATTERN.match(cls.name):
        raise ImproperlyConfigured(f"Layer name {cls.name!r} is not <theme>-<feature> kebab case")
    if cls.theme not in THEMES or not cls.name.startswith(cls.theme.lower() + "-"):
        raise ImproperlyConfigured(f"Layer {cls.name!r} has an unknown or mismatched theme")
    if cls.sensitive and cls.access == Access.PUBLIC:
        raise ImproperlyConfigured(f"Sensitive layer {cls.name!r} cannot be public")
    for styled in (cls.map_label_field, cls.map_class_field):
        if styled and styled not in (*cls.common_fields, *cls.published_fields):
            raise ImproperlyConfigured(f"Layer {cls.name!r} styles by {styled!r}, which it does not publish")
    if any(m.model is cls.model for m in _layers.values()):
        raise ImproperlyConfigured(f"Model {cls.model.__name__} belongs to two layers")
    cls.property_fields()  # fails fast on a misspelt field name
    from .models.history import history_model

    cls.history = history_model(cls)
    _layers[cls.name] = cls
    return cls


def all_layers() -> list[type[Layer]]:
    """Registered layers in registration (dependency) order."""
    return list(_layers.values())


def get_layer(name: str) -> type[Layer]:
    """The layer registered under `name`; KeyError if there is none."""
    return _layers[name]

