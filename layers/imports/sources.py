"""What is inside an uploaded file, read with GDAL (Django's GDAL bindings): its layers, fields,
feature counts, geometry type, CRS and extent; and the CRSs a user may choose from."""

from __future__ import annotations

import math
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, SpatialReference
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The CRSs Turkish municipal data arrives in (EPSG code -> label).
CRS_CHOICES: dict[int, str] = {
    5253: "TUREF / TM27", 5254: "TUREF / TM30", 5255: "TUREF / TM33",
    2319: "ED50 / TM27", 2320: "ED50 / TM30", 2321: "ED50 / TM33",
    23035: "ED50 / UTM 35N", 23036: "ED50 / UTM 36N",
    32635: "WGS 84 / UTM 35N", 32636: "WGS 84 / UTM 36N",
    4326: "WGS 84 (enlem/boylam – lat/lon)", 3857: "WGS 84 / Pseudo-Mercator",
}
TABULAR = ("csv", "xlsx")  # coordinates come from columns the user picks
# Column names that usually hold coordinates (lower case), best first.
X_NAMES = ("x", "lon", "long", "longitude", "lng", "boylam", "saga", "sağa", "easting", "dogu", "doğu")
Y_NAMES = ("y", "lat", "latitude", "enlem", "yukari", "yukarı", "northing", "kuzey")


def crs_label(srid: int | None) -> str:
    if srid is None:
        return ""
    # _() outside the f-string: makemessages does not look inside f-strings.
    name = CRS_CHOICES.get(srid) or _("EPSG code")
    return f"{name} (EPSG:{srid})"


def _srid(srs: SpatialReference | None) -> tuple[int | None, str]:
    """(EPSG code or None, name) of a layer's CRS; an unidentified CRS has no code."""
    if srs is None:
        return None, ""
    name = srs.name or ""
    try:
        srs.identify_epsg()
    except GDALException:
        pass
    code = srs.srid
    if code is None and srs.auth_name("PROJCS") is None and srs.geographic and "WGS" in name.upper():
        code = 4326
    return (int(code) if code else None), name


def _guess(fields: list[str], names: tuple[str, ...]) -> str:
    lower = {f.lower(): f for f in fields}
    return next((lower[n] for n in names if n in lower), "")


def inspect(path: Path, kind: str) -> list[dict]:
    """One entry per layer of the file; ValidationError when GDAL cannot read it."""
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise ValidationError(_("GDAL cannot read this file as %(kind)s.") % {"kind": kind.upper()}) from exc
    found = []
    for index in range(len(source)):
        layer = source[index]
        fields = [{"name": n, "type": t.__name__.removeprefix("OFT")}
                  for n, t in zip(layer.fields, layer.field_types, strict=True)]
        srid, srs_name = _srid(layer.srs) if kind not in TABULAR else (None, "")
        try:
            extent = list(layer.extent.tuple) if kind not in TABULAR and len(layer) else None
        except GDALException:
            extent = None
        if extent is not None and not all(math.isfinite(v) for v in extent):
            extent = None  # a coordinate of Infinity or 1e309: no extent (JSON has no Infinity)
        names = [f["name"] for f in fields]
        found.append({
            "name": layer.name, "count": len(layer), "geometry": str(layer.geom_type) if kind not in TABULAR else "",
            "srid": srid, "srs_name": srs_name, "fields": fields, "extent": extent,
            "x_guess": _guess(names, X_NAMES) if kind in TABULAR else "",
            "y_guess": _guess(names, Y_NAMES) if kind in TABULAR else "",
        })
    found = [f for f in found if f["count"] or len(found) == 1]
    if not found or not any(f["count"] for f in found):
        raise ValidationError(_("The file contains no features."))
    return found

