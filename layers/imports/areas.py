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
    """Convex hull of the checked features (storage CRS), as a MultiPolygon."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_AsEWKB(ST_Multi(ST_Buffer(ST_ConvexHull(ST_Collect(_g)), 0.01))) "  # noqa: S608
                       f"FROM {table} WHERE _g IS NOT NULL")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(memoryview(bytes(row[0])))
