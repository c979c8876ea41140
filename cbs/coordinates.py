"""Go to coordinates: a typed position in the TM zone (Y/easting, X/northing in metres) or in
latitude/longitude (decimal, decimal comma, degrees-minutes-seconds, N/E or K/D letters).

"41.0061 28.9032", "28,9032 41,0061", "41°0'22\"N 28°54'11\"E", "K 41 00 22 D 28 54 11",
"407500 4541200", "Y=407500 X=4541200". Without letters, the order that falls inside the
municipality's box wins (lat lon first otherwise); for TM the northing is the larger number.
"""

from __future__ import annotations

import math
import re
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _

from .hits import Hit

NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
HEMISPHERE = {"N": "lat", "S": "lat", "K": "lat", "G": "lat", "E": "lon", "W": "lon", "D": "lon", "B": "lon"}
NEGATIVE = {"S", "G", "W", "B"}
DMS_MARKS = re.compile(r"[°º'′\"″]")
ONLY_COORDINATE_TEXT = re.compile(r"^[\d\s.,;:°º'′\"″+\-NSEWKGDBXYnsewkgdbxy=]+$")


@cache
def _transformers():
    import pyproj

    tm = pyproj.CRS.from_epsg(settings.CBS_SRID)
    return (pyproj.Transformer.from_crs(tm, 4326, always_xy=True),
            pyproj.Transformer.from_crs(4326, tm, always_xy=True), tm.area_of_use)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _in_box(lon: float, lat: float) -> bool:
    w, s, e, n = settings.CBS_MAP_BBOX
    return w <= lon <= e and s <= lat <= n


def _dms(parts: list[str]) -> float:
    values = [abs(_number(p)) for p in parts[:3]]
    degrees = values[0] + (values[1] / 60 if len(values) > 1 else 0) + (values[2] / 3600 if len(values) > 2 else 0)
    return -degrees if parts[0].startswith("-") else degrees


def _lettered(text: str) -> tuple[float, float] | None:
    """'41°0'22"N 28°54'11"E' or 'K 41 00 22 D 28 54 11': each number group owns the letter
    before or after it."""
    tokens = re.findall(r"[NSEWKGDB]|[-+]?\d+(?:[.,]\d+)?", text.upper())
    letters = [t for t in tokens if t in HEMISPHERE]
    if len(letters) != 2 or {HEMISPHERE[letters[0]], HEMISPHERE[letters[1]]} != {"lat", "lon"}:
        return None
    leading = tokens[0] in HEMISPHERE
    groups: list[tuple[str, list[str]]] = []
    current: list[str] = []
    for token in tokens:
        if token in HEMISPHERE:
            if leading:
                groups.append((token, []))
            else:
                groups.append((token, current))
                current = []
        elif leading:
            if not groups:
                return None
            groups[-1][1].append(token)
        else:
            current.append(token)
    if current or any(not numbers or len(numbers) > 3 for _letter, numbers in groups):
        return None
    found = {}
    for letter, numbers in groups:
        value = _dms(numbers)
        found[HEMISPHERE[letter]] = -value if letter in NEGATIVE else value
    return found["lon"], found["lat"]


def _numbers(text: str) -> list[str]:
    # "41.01,28.90": the comma separates; "41,01 28,90": the commas are decimal commas.
    return NUMBER.findall(text)


def parse_lonlat(text: str) -> tuple[float, float] | None:
    """(lon, lat) of a typed latitude/longitude, or None."""
    if re.search(r"[NSEWKGDB]", text.upper()):
        return _lettered(text)
    numbers = _numbers(text)
    if DMS_MARKS.search(text) and len(numbers) in (4, 6):
        half = len(numbers) // 2
        a, b = _dms(numbers[:half]), _dms(numbers[half:])
    elif len(numbers) == 2:
        a, b = _number(numbers[0]), _number(numbers[1])
    else:
        return None
    candidates = [(b, a), (a, b)]  # lat lon (as usually written), then lon lat
    valid = [(lon, lat) for lon, lat in candidates if -180 <= lon <= 180 and -90 <= lat <= 90]
    inside = [c for c in valid if _in_box(*c)]
    return (inside or valid or [None])[0]


def parse_tm(text: str) -> tuple[float, float] | None:
    """(easting, northing) in the TM zone: 'Y=407500 X=4541200' (Turkish surveying: Y is the
    easting) or two plain numbers of which the larger is the northing."""
    upper = text.upper()
    numbers = _numbers(text)
    if len(numbers) != 2:
        return None
    values = [_number(n) for n in numbers]
    labelled = re.findall(r"([XY])\s*[:=]?\s*[-+]?\d", upper)
    if len(labelled) == 2 and set(labelled) == {"X", "Y"}:
        by_label = dict(zip(labelled, values, strict=True))
        easting, northing = by_label["Y"], by_label["X"]
    else:
        easting, northing = min(values), max(values)
    if not (100_000 <= easting <= 900_000 and 1_000_000 <= northing <= 10_000_000):
        return None
    return easting, northing


def coordinate_hits(query: str) -> list[Hit]:
    """A 'go to' result for a typed position inside the TM zone's area; none for other text."""
    text = " ".join(query.split())[:100]
    if not ONLY_COORDINATE_TEXT.match(text) or len(_numbers(text)) < 2:
        return []
    to_lonlat, to_tm, area = _transformers()
    tm = parse_tm(text)
    if tm is not None:
        lon, lat = to_lonlat.transform(*tm)
        easting, northing = tm
    else:
        lonlat = parse_lonlat(text)
        if lonlat is None:
            return []
        lon, lat = lonlat
        easting, northing = to_tm.transform(lon, lat)
    if not all(map(math.isfinite, (lon, lat, easting, northing))):
        return []
    margin = 3.0  # degrees: a neighbouring zone's point is still shown, far points are not
    if not (area.west - margin <= lon <= area.east + margin and area.south - margin <= lat <= area.north + margin):
        return []
    label = _("Latitude %(lat)s, longitude %(lon)s") % {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
    detail = f"EPSG:{settings.CBS_SRID} Y {easting:.2f} X {northing:.2f}"
    if tm is not None:
        label, detail = detail, label
    return [Hit("coordinates", label, detail, None, None, [round(lon, 7), round(lat, 7)] * 2,
                extra={"point": [round(lon, 7), round(lat, 7)]})]
