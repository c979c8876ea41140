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
        if code.isdigit() and int(code) in offered_srids():
            return int(code)
    return None


@cache
def northing_first(srid: int) -> bool:
    """True when the authority's first axis is north (EPSG:4326 lat/lon, TUREF/TM N/E)."""
    return pyproj.CRS.from_epsg(srid).axis_info[0].direction.lower() == "north"


def axis_swapped(uri: str) -> bool:
    """Whether coordinates in `uri` are written northing first (PostGIS stores x/y)."""
    return uri != CRS84 and northing_first(srid_of(uri))
