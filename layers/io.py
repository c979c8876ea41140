"""Reading and writing feature files (pure I/O, no policy: see services for that)."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from .registry import Layer
from .services import FeatureInput

_EPSG_URN = re.compile(r"(?:EPSG::?|EPSG/0/)(\d+)$")


def sample_path(layer: type[Layer]) -> Path:
    """data/samples/<layer name>.geojson"""
    return Path(settings.CBS_SAMPLES_DIR) / f"{layer.name}.geojson"


def geojson_srid(collection: dict) -> int:
    """SRID named by a GeoJSON's legacy `crs` member; CRS84 (4326 lon/lat) when absent."""
    name = (collection.get("crs") or {}).get("properties", {}).get("name", "")
    match = _EPSG_URN.search(name)
    return int(match.group(1)) if match else 4326


def read_geojson(path: Path) -> Iterator[FeatureInput]:
    """Features of a GeoJSON FeatureCollection, geometries tagged with the file's SRID."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    srid = geojson_srid(collection)
    for feature in collection["features"]:
        geometry = dict(feature["geometry"])
        geometry["crs"] = {"type": "name", "properties": {"name": f"EPSG:{srid}"}}
        yield FeatureInput(properties=feature.get("properties") or {}, geometry=geometry)
