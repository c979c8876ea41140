"""One search result, the same shape from every module (layers, assets, tickets, coordinates).

Each module offers its own public search function returning these; `cbs.search` groups them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import Transform


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


def with_lonlat(qs, geometry_field: str):
    """The queryset with `_lonlat`: its geometry in CRS84, transformed by PostGIS."""
    return qs.annotate(_lonlat=Transform(geometry_field, 4326))


def lonlat_bbox(obj) -> list[float] | None:
    """The CRS84 box of an object annotated by `with_lonlat` (None without a geometry)."""
    geom = getattr(obj, "_lonlat", None)
    return None if geom is None else [round(v, 7) for v in geom.extent]
