"""CRS identifiers offered by the OGC API, as integer SRIDs with their axis order."""

from functools import cache

import pyproj
from django.conf import settings

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_PREFIX = "http://www.opengis.net/def/crs/EPSG/0/"


def epsg_uri(srid: int) -> str:
    return f"{EPSG_PREFIX}{srid}"


def offered_srids() -> list[int]:
    """EPSG codes offered besides CRS84: WGS 84, TUREF geographic, the local TM zone, Web Mercator."""
    return list(dict.fromkeys([4326, 5252, settings.CBS_SRID, 3857]))


def offered_uris() -> list[str]:
    return [CRS84, *(epsg_uri(s) for s in offered_srids())]


def srid_of(uri: str) -> int | None:
    """Integer SRID of an offered CRS URI (CRS84 -> 4326 with lon/lat order); None if unknown."""
    if uri == CRS84:
        return 4326
    if uri.startswith(EPSG_PREFIX):
        code = uri.removeprefix(EPSG_PREFIX)
        # Only the URI as offered: "…/04326" named no CRS to pygeoapi (a 400 on the generic path
        # while the fast path answered it).
        if code.isascii() and code.isdigit() and len(code) < 10 and str(int(code)) == code \
                and int(code) in offered_srids():
            return int(code)
    return None


@cache
def northing_first(srid: int) -> bool:
    """True when the authority's first axis is north (EPSG:4326 lat/lon, TUREF/TM N/E)."""
    return pyproj.CRS.from_epsg(srid).axis_info[0].direction.lower() == "north"


def swap_axes(coordinates: list) -> list:
    """GeoJSON coordinates (any nesting) with each position's first two axes exchanged."""
    if coordinates and isinstance(coordinates[0], int | float):
        return [coordinates[1], coordinates[0], *coordinates[2:]]
    return [swap_axes(c) for c in coordinates]


def axis_swapped(uri: str) -> bool:
    """Whether coordinates in `uri` are written northing first (PostGIS stores x/y)."""
    return uri != CRS84 and northing_first(srid_of(uri))


@cache
def storage_area(storage_srid: int, srid: int):
    """Area of use of the storage CRS as a polygon in `srid` (x/y order), for clipping queries."""
    from django.contrib.gis.geos import Polygon

    west, south, east, north = pyproj.CRS.from_epsg(storage_srid).area_of_use.bounds
    if srid == 4326:
        bounds = (west, south, east, north)
    else:
        transformer = pyproj.Transformer.from_crs(4326, srid, always_xy=True)
        bounds = transformer.transform_bounds(west, south, east, north, densify_pts=21)
    area = Polygon.from_bbox(bounds)
    area.srid = srid
    return area


@cache
def storage_area_bounds(storage_srid: int, srid: int) -> tuple[float, float, float, float]:
    """storage_area()'s (xmin, ymin, xmax, ymax), without a GEOS call per request."""
    return storage_area(storage_srid, srid).extent


def clip_to_storage_area(bbox: tuple[float, float, float, float], storage_srid: int):
    """A lon/lat bbox cut to the storage CRS's area of use (beyond it, transforming the box to the
    TM zone folds it into a sliver: the whole world would select nothing); None when it lies
    entirely outside."""
    area = storage_area(storage_srid, 4326).extent
    clipped = (max(bbox[0], area[0]), max(bbox[1], area[1]), min(bbox[2], area[2]), min(bbox[3], area[3]))
    return clipped if clipped[0] <= clipped[2] and clipped[1] <= clipped[3] else None
