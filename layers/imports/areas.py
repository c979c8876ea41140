"""The area a replacing import works in: a mahalle, or the extent the file's features cover."""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from cbs.http import digits

from ..models import Mahalle

FILE_EXTENT = (None, "file-extent")  # decided after staging: the convex hull of the features


def mahalle_area(uavt: str) -> tuple[MultiPolygon, str]:
    code = digits(str(uavt))
    mahalle = Mahalle.objects.filter(uavt_kodu=code).first() if code is not None else None
    if mahalle is None:
        raise ValidationError(_("Unknown mahalle."))
    return mahalle.geom, f"{mahalle.adi} ({mahalle.uavt_kodu})"


def file_extent(table: str) -> MultiPolygon | None:
    """Convex hull of the checked features (storage CRS), as a MultiPolygon.

    The hull of the hulls of groups of features: the same polygon (the hull of a set is the hull
    of its parts' hulls), without collecting a million geometries into one value first (7.8 s of
    a million-building check; in groups of 4096 it is a fraction of that)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_AsEWKB(ST_Multi(ST_Buffer(ST_ConvexHull(ST_Collect(h)), 0.01))) "  # noqa: S608
                       f"FROM (SELECT ST_ConvexHull(ST_Collect(_g)) AS h FROM {table} WHERE _g IS NOT NULL "
                       f"GROUP BY src_fid / 4096) parts")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(memoryview(bytes(row[0])))
