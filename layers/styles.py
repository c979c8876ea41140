"""How each layer is drawn – colour, labels, classes and legend – derived from the registry.

The map (JSON config for OpenLayers), the print layout and the WMS configuration all read a
layer's look from here, so that a layer looks the same wherever it is shown."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.encoding import force_str

from .registry import Layer

# Colours for code-list values that the registry gives none (ColorBrewer "Set2" + "Dark2").
PALETTE = ("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3",
           "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")

# Labels are written with a halo in this colour so they stay legible over any fill or photo.
LABEL_HALO = "#ffffff"

# Web Mercator: the scale denominator of zoom z at the equator with 0.28 mm pixels (OGC WMTS).
SCALE_AT_ZOOM_0 = 559_082_264.028


@dataclass(frozen=True)
class StyleClass:
    value: str | None     # the stored code (None: the layer's single class)
    label: str            # human label, translated in the current language
    color: str


@dataclass(frozen=True)
class LayerStyle:
    layer: str
    geometry: str                 # Point, LineString, Polygon (and Multi…)
    color: str
    min_zoom: int
    label_property: str | None    # published property (db column) written on the map
    label_min_zoom: int
    class_property: str | None    # published property (db column) that picks the class
    classes: tuple[StyleClass, ...]
    halo: str = LABEL_HALO

    @property
    def label_placement(self) -> str:
        """Names of lines run along the line (street names); others sit on the feature."""
        return "line" if "Line" in self.geometry else "point"

    def color_of(self, value) -> str:
        for c in self.classes:
            if c.value is not None and c.value == value:
                return c.color
        return self.color

    def as_json(self) -> dict:
        """For the map's JSON configuration."""
        return {
            "color": self.color, "minZoom": self.min_zoom,
            "label": self.label_property, "labelMinZoom": self.label_min_zoom,
            "labelPlacement": self.label_placement, "halo": self.halo,
            "classProperty": self.class_property,
            "classes": [{"value": c.value, "label": c.label, "color": c.color} for c in self.classes],
        }


def _column(layer: type[Layer], field_name: str | None) -> str | None:
    return layer.meta().get_field(field_name).column if field_name else None


def style_of(layer: type[Layer]) -> LayerStyle:
    """The look of `layer`; labels of classes in the active language."""
    classes: tuple[StyleClass, ...]
    if layer.map_class_field:
        field = layer.meta().get_field(layer.map_class_field)
        colors = layer.map_class_colors
        classes = tuple(
            StyleClass(value=str(value), label=force_str(label),
                       color=colors.get(str(value), PALETTE[i % len(PALETTE)]))
            for i, (value, label) in enumerate(field.choices or ())
        )
    else:
        classes = (StyleClass(value=None, label=force_str(layer.title), color=layer.map_color),)
    return LayerStyle(
        layer=layer.name, geometry=layer.geometry_type(), color=layer.map_color,
        min_zoom=layer.map_min_zoom, label_property=_column(layer, layer.map_label_field),
        label_min_zoom=layer.map_label_min_zoom, class_property=_column(layer, layer.map_class_field),
        classes=classes,
    )


def legend_of(layer: type[Layer]) -> tuple[StyleClass, ...]:
    """The legend entries of `layer` (one entry when it is not classified)."""
    return style_of(layer).classes


def scale_of_zoom(zoom: float) -> float:
    """The map scale denominator at a web-map zoom level (for WMS/print scale ranges)."""
    return SCALE_AT_ZOOM_0 / 2 ** zoom


def zoom_of_scale(denominator: float) -> float:
    return math.log2(SCALE_AT_ZOOM_0 / denominator)


def scale_label(zoom: float, latitude: float) -> str:
    """The ground scale at `zoom` and `latitude`, rounded for people: 1:26 000."""
    denominator = scale_of_zoom(zoom) * math.cos(math.radians(latitude))
    step = 10 ** max(0, int(math.log10(denominator)) - 1)
    rounded = int(round(denominator / step) * step)
    return "1:" + f"{rounded:,}".replace(",", "\u00a0")


@dataclass(frozen=True)
class BaseLayerLook:
    """How one of the municipality's own layers is drawn in the offline base map (muted, like a
    printed city plan), not the thematic colour it has in the layer tree."""

    layer: str
    fill: str | None = None
    stroke: str | None = None
    width: float = 1
    casing: str | None = None      # a wider line under the stroke (roads)
    dash: tuple[int, ...] = ()
    min_zoom: int = 0
    label_size: int = 12
    label_color: str = "#333333"
    label_bold: bool = False
    label_uppercase: bool = False


# Drawn in this order (areas first; OpenLayers gives the labels of upper layers the room first).
BASE_MAP_LOOKS = (
    BaseLayerLook("id-mahalle", fill="#f4f1ea", stroke="#9c7fb0", width=1.5, dash=(8, 4), label_size=14,
                  label_color="#5e3c7a", label_bold=True, label_uppercase=True),
    BaseLayerLook("bi-bina", fill="#e2ddd5", stroke="#b9b0a3", width=0.8, min_zoom=14),
    BaseLayerLook("ad-numarataj", min_zoom=16, label_size=10, label_color="#5a5a5a"),
    # Roads last: their lines cover door points and their names win over door numbers.
    BaseLayerLook("ad-yol", stroke="#ffffff", width=4, casing="#bdb6aa", min_zoom=12, label_size=12,
                  label_color="#2b2b2b"),
)
# Colour of the empty map under the base map.
BASE_MAP_BACKGROUND = "#f4f1ea"


def base_map_of(layers) -> list[dict]:
    """The offline base map's layers (only those in `layers`, the ones the caller may see),
    with their look, label property and label zoom from the registry."""
    by_name = {layer.name: layer for layer in layers}
    out = []
    for look in BASE_MAP_LOOKS:
        layer = by_name.get(look.layer)
        if layer is None:
            continue
        style = style_of(layer)
        out.append({
            "layer": layer.name, "geometry": style.geometry, "fill": look.fill, "stroke": look.stroke, "width": look.width,
            "casing": look.casing, "dash": list(look.dash), "minZoom": look.min_zoom,
            "label": style.label_property, "labelMinZoom": style.label_min_zoom,
            "labelPlacement": style.label_placement, "halo": style.halo,
            "labelSize": look.label_size, "labelColor": look.label_color, "labelBold": look.label_bold,
            "labelUppercase": look.label_uppercase,
        })
    return out
