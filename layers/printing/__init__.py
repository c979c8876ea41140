"""Print to PDF (Yazdır): a map of the chosen layers at a chosen scale on A4/A3 with title, legend,
scale bar, north arrow, date, the municipality's name/logo and an optional TM-zone grid.

Vector PDF drawn with reportlab from geometries PostGIS has already clipped, simplified and moved
onto the paper (layers.printing.content); the same layout draws the reports' thematic maps."""

from .content import layer_content
from .layout import PAPERS, SCALES, DrawLayer, LegendEntry, PrintSpec, fit_spec, parse_print_request
from .pdf import render

__all__ = ["PAPERS", "SCALES", "DrawLayer", "LegendEntry", "PrintSpec", "fit_spec", "layer_content",
           "parse_print_request", "print_map", "render"]


def print_map(spec: PrintSpec, layers) -> bytes:
    """The PDF of `layers` (registry classes the caller may see, in drawing order) for `spec`."""
    return render(spec, [layer_content(layer, spec) for layer in layers])
