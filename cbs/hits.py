"""One search result, the same shape from every module (layers, assets, tickets, coordinates).

Each module offers its own public search function returning these; `cbs.search` groups them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import FloatField, Func


@dataclass(frozen=True)
class Hit:
    """What was found, as people read it ("Şehit Er Caddesi No: 12"), and where it is.

    kind: the group it is listed under; layer/id: the feature to highlight on the map (if it is
    one); bbox: where to zoom (CRS84 w,s,e,n; None for records without a place); url: its page.
    """

    kind: str
    label: str
    detail: str = ""
    layer: str | None = None
    id: int | str | None = None
    bbox: list[float] | None = None
    url: str | None = None
    extra: dict = field(default_factory=dict)


class LonLatBox(Func):
    """[west, south, east, north] in CRS84 of a geometry expression, computed by PostGIS: four
    numbers instead of the geometry (parsing a neighbourhood's polygon in Python for its box costs
    more than the whole query)."""

    template = ("(SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] "
                "FROM (SELECT Box2D(ST_Transform(%(expressions)s, 4326)) AS b) AS box)")
    output_field = ArrayField(FloatField())


def with_lonlat(qs, geometry_field: str):
    """The queryset with `_lonlat`: the CRS84 box of its geometry (lonlat_bbox reads it)."""
    return qs.annotate(_lonlat=LonLatBox(geometry_field))


def lonlat_bbox(obj) -> list[float] | None:
    """The CRS84 box of an object annotated by `with_lonlat` (None without a geometry)."""
    box = getattr(obj, "_lonlat", None)
    return None if not box or None in box else [round(v, 7) for v in box]
