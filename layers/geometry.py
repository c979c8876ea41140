"""Geometry preparation shared by every write path (services, imports, OGC writes)."""

import math

from django.conf import settings
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MULTI = {"MultiPolygon": MultiPolygon, "MultiLineString": MultiLineString, "MultiPoint": MultiPoint}


def parse_geometry(value: str | dict | GEOSGeometry, *, srid: int | None = None) -> GEOSGeometry:
    """GeoJSON / WKT / EWKT / GEOSGeometry -> GEOSGeometry, or a translated ValidationError."""
    if isinstance(value, GEOSGeometry):
        geom = value.clone()
    else:
        import json

        text = json.dumps(value) if isinstance(value, dict) else str(value)
        try:
            geom = GEOSGeometry(text)
        except (GEOSException, ValueError, TypeError) as exc:
            raise ValidationError({"geom": _("The geometry could not be read.")}) from exc
    if srid is not None and geom.srid is None:
        geom.srid = srid
    if geom.srid is None:
        # GeoJSON without a CRS member is CRS84 (RFC 7946).
        geom.srid = 4326
    return geom


def has_non_finite(geom: GEOSGeometry) -> bool:
    """NaN/Inf anywhere makes GEOS's envelope empty or non-finite (checks 5 points, not all)."""
    if geom.empty:
        return False
    envelope = geom.envelope
    return envelope.empty or not all(math.isfinite(v) for v in envelope.extent)


def to_storage(geom: GEOSGeometry, *, geometry_type: str) -> GEOSGeometry:
    """Transform to the storage CRS and promote single to multi geometries where the layer is multi."""
    if has_non_finite(geom):
        raise ValidationError({"geom": _("The geometry has non-finite coordinates.")})
    if geom.srid != settings.CBS_SRID:
        try:
            geom = geom.transform(settings.CBS_SRID, clone=True)
        except Exception as exc:  # GDAL raises several types for unknown CRSs
            raise ValidationError(
                {"geom": _("The coordinate reference system EPSG:%(srid)s is not supported.")
                 % {"srid": geom.srid}}
            ) from exc
    multi = _MULTI.get(geometry_type)
    if multi is not None and geom.geom_type == geometry_type.removeprefix("Multi"):
        geom = multi(geom, srid=geom.srid)
    if geom.geom_type != geometry_type:
        # Checked here: GeoDjango refuses to even assign a geometry of the wrong type.
        raise ValidationError({"geom": _(
            "Wrong geometry type: %(got)s given, this layer takes %(expected)s."
        ) % {"got": geom.geom_type, "expected": geometry_type}})
    return geom
