"""Reads over the layers that are more than plain CRUD (counts, extents)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections

from cbs.db import read_alias

from .registry import THEMES, Layer, all_layers


@dataclass(frozen=True)
class LayerSummary:
    """What the start page and the catalogue show of one layer."""

    name: str
    title: str
    theme: str
    theme_title: str
    geometry_type: str
    count: int
    access: str


def layer_count(layer: type[Layer]) -> int:
    """Exact feature count of a layer (for pages and tests, not per OGC request)."""
    return layer.model.objects.count()


def layer_counts() -> dict[str, int]:
    """Feature count of every layer, in one statement."""
    layers = all_layers()
    qn = connection.ops.quote_name
    selects = ", ".join(f"(SELECT count(*) FROM {qn(layer.meta().db_table)})" for layer in layers)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(f"SELECT {selects}")  # noqa: S608  (table names from the registry)
        return dict(zip((layer.name for layer in layers), cursor.fetchone(), strict=True))


def layer_summaries() -> list[LayerSummary]:
    counts = layer_counts()
    return [
        LayerSummary(
            name=layer.name, title=str(layer.title), theme=layer.theme,
            theme_title=str(THEMES[layer.theme]), geometry_type=layer.geometry_type(),
            count=counts[layer.name], access=layer.access,
        )
        for layer in all_layers()
    ]


def layer_extent_lonlat(layer: type[Layer]) -> list[float] | None:
    """Bounding box of the layer's data in CRS84, computed by PostGIS (None when empty)."""
    meta = layer.meta()
    geom = layer.geometry()
    table = connection.ops.quote_name(meta.db_table)
    column = connection.ops.quote_name(geom.column)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ("  # noqa: S608
            f"SELECT ST_Transform(ST_SetSRID(ST_Extent({column}), %s), 4326) AS e FROM {table}) s",
            [settings.CBS_SRID],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return [round(v, 6) for v in row]
