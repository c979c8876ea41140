"""Output formats of items besides JSON and HTML, through pygeoapi's formatter plugin interface.

GeoPackage (`f=gpkg`): the same GDAL conversion the layer exports use (layers.export.convert).
pygeoapi hands the formatter the items page as GeoJSON in the requested CRS, written in that
CRS's axis order (EPSG:4326 latitude first); GeoPackage stores x/y, so such coordinates are
put back in x/y order before GDAL writes them.

CSV (`f=csv`): pygeoapi's own formatter with the text neutralised against formulas
(cbs.spreadsheet). pygeoapi gives every feature collection each formatter of its plugin
registry under the registry's name, so `install()` (OgcConfig.ready) puts ours under "CSV";
a second formatter named in the configuration would come after pygeoapi's and never be chosen.
"""

from __future__ import annotations

import json

from pygeoapi.formatter.base import BaseFormatter, FormatterSerializationError
from pygeoapi.formatter.csv_ import CSVFormatter
from pygeoapi.plugin import PLUGINS

from cbs.spreadsheet import neutralise_properties
from layers.export import FORMATS, convert

from .crs import CRS84, axis_swapped, srid_of, swap_axes


class GeoPackageFormatter(BaseFormatter):
    F = "gpkg"

    def __init__(self, formatter_def: dict):
        super().__init__(formatter_def)
        # pygeoapi keys formatters and builds the alternate links by name: `f=gpkg`, not the
        # dotted path the configuration names the plugin with.
        self.name = self.f = self.extension = self.F
        self.mimetype = FORMATS["gpkg"].content_type
        self.attachment = True

    def write(self, options: dict | None = None, data: dict | None = None) -> bytes:
        options = options or {}
        uri = options.get("content_crs") or CRS84
        srid = srid_of(uri)
        if srid is None or data is None:
            raise FormatterSerializationError(uri)
        features = data.get("features", [])
        if axis_swapped(uri):
            features = [{**f, "geometry": _xy(f["geometry"])} for f in features]
        collection = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
        return convert(collection, "gpkg", options["provider_def"]["data"], srid, srid)

    def __repr__(self) -> str:
        return "<GeoPackageFormatter> gpkg"


class NeutralisedCSVFormatter(CSVFormatter):
    """pygeoapi's CSV with text that a spreadsheet would run as a formula quoted; numbers stay numbers."""

    def write(self, options: dict | None = None, data: dict | None = None) -> bytes:
        if data is not None and "features" in data:
            data = {**data, "features": [{**f, "properties": neutralise_properties(f.get("properties") or {})}
                                         for f in data["features"]]}
        return super().write(options or {}, data)

    def __repr__(self) -> str:
        return "<NeutralisedCSVFormatter> csv"


def install() -> None:
    PLUGINS["formatter"]["CSV"] = f"{__name__}.{NeutralisedCSVFormatter.__name__}"


def _xy(geometry: dict | None) -> dict | None:
    """A GeoJSON geometry with each position's first two axes exchanged."""
    if geometry is None:
        return None
    if geometry.get("type") == "GeometryCollection":
        return {**geometry, "geometries": [_xy(g) for g in geometry["geometries"]]}
    return {**geometry, "coordinates": swap_axes(geometry["coordinates"])}
