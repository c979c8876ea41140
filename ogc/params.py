"""Validation of OGC API query parameters, with messages in the user's language.

pygeoapi validates some parameters itself (in English) and silently ignores others; these
checks run first so that a bad request always gets a clear, translated 400.
"""

import math

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .crs import axis_swapped, offered_uris, srid_of

RESERVED = {
    "f", "lang", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "sortby",
    "properties", "skipGeometry", "filter", "filter-lang", "filter-crs", "resulttype", "q",
}


GEOGRAPHIC = {4326, 5252}
MAX_OFFSET = 2**31 - 1  # far beyond any layer; larger values overflow PostgreSQL's OFFSET


class BadParameter(ValueError):
    """A query parameter is malformed; str(self) is the translated message."""


def check_crs(params: QueryDict) -> None:
    crs = params.get("crs")
    if crs is not None and srid_of(crs) is None:
        raise BadParameter(
            _("Unsupported crs %(crs)s. Supported: %(list)s")
            % {"crs": crs, "list": ", ".join(offered_uris())}
        )


# Translated when raised, not on every request.
BBOX_NUMBERS = gettext_lazy("bbox must be 4 or 6 comma-separated numbers.")
LONLAT_NUMBERS = gettext_lazy("bbox must be four numbers: west,south,east,north.")


def _bbox_numbers(raw: str, counts: tuple[int, ...], message) -> list[float]:
    """The finite numbers of a comma-separated bbox, `counts` of them (BadParameter otherwise)."""
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        raise BadParameter(str(message)) from None
    if len(values) not in counts or not all(math.isfinite(v) for v in values):
        raise BadParameter(str(message))
    return values


def _check_order_and_range(a: float, b: float, c: float, d: float, geographic: bool) -> None:
    if a > c or b > d:
        raise BadParameter(_("bbox minimum is greater than its maximum."))
    if geographic and not (-180 <= a <= c <= 180 and -90 <= b <= d <= 90):
        raise BadParameter(_("bbox coordinates are outside the range of longitude and latitude."))


def parse_bbox(params: QueryDict) -> tuple[tuple[float, float, float, float], int] | None:
    """(minx, miny, maxx, maxy) in x/y order and the SRID of bbox-crs; None without bbox."""
    raw, crs = params.get("bbox"), params.get("bbox-crs")
    if raw is None:
        if crs is not None:
            raise BadParameter(_("bbox-crs was given without bbox."))
        return None
    values = _bbox_numbers(raw, (4, 6), BBOX_NUMBERS)
    if len(values) == 6:
        values = values[0:2] + values[3:5]
    crs = crs or "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    srid = srid_of(crs)
    if srid is None:
        raise BadParameter(
            _("Unsupported bbox-crs %(crs)s. Supported: %(list)s")
            % {"crs": crs, "list": ", ".join(offered_uris())}
        )
    a, b, c, d = values
    if axis_swapped(crs):
        a, b, c, d = b, a, d, c
    _check_order_and_range(a, b, c, d, srid in GEOGRAPHIC)
    return (a, b, c, d), srid


def parse_lonlat_bbox(raw: str) -> tuple[float, float, float, float]:
    """west,south,east,north in degrees (the site's own bbox parameters: exports, map helpers):
    four finite numbers, minimum not above maximum, within longitude and latitude."""
    a, b, c, d = _bbox_numbers(raw, (4,), LONLAT_NUMBERS)
    _check_order_and_range(a, b, c, d, geographic=True)
    return a, b, c, d


def check_paging(params: QueryDict) -> None:
    for name, low in (("limit", 1), ("offset", 0)):
        raw = params.get(name)
        if raw is None:
            continue
        try:
            value = int(raw)
        except ValueError:
            raise BadParameter(_("%(name)s must be an integer.") % {"name": name}) from None
        if value < low:
            raise BadParameter(_("%(name)s must be at least %(low)d.") % {"name": name, "low": low})
    offset = params.get("offset")
    if offset is not None and int(offset) > MAX_OFFSET:
        raise BadParameter(_("offset may be at most %(max)d.") % {"max": MAX_OFFSET})
    limit = params.get("limit")
    if limit is not None and int(limit) > settings.CBS_OGC_MAX_ITEMS:
        raise BadParameter(
            _("limit may be at most %(max)d; page with offset.") % {"max": settings.CBS_OGC_MAX_ITEMS}
        )


def check_property_names(params: QueryDict, properties: set[str]) -> None:
    for name in params:
        if name not in RESERVED and name not in properties:
            raise BadParameter(_("Unknown parameter or property: %(name)s") % {"name": name})
    for key in ("sortby", "properties"):
        raw = params.get(key)
        if raw is None:
            continue
        for item in raw.split(","):
            name = item.lstrip("+-") if key == "sortby" else item
            if name not in properties:
                raise BadParameter(_("Unknown property: %(name)s") % {"name": name})
