"""What a check found, for people: the rejected features as CSV, and a GeoJSON preview."""

from __future__ import annotations

import io

from django.db import connection
from django.utils.translation import gettext as _

from cbs.spreadsheet import csv_writer

from ..registry import get_layer
from .checks import build_plan, checked_table

PREVIEW_LIMIT = 2000


def report_csv(job) -> str:
    """One row per rejected feature: its number in the file, the reasons, the mapped source values."""
    plan = build_plan(job, get_layer(job.layer))
    mapped = [(name, plan.targets[name].replace("_c", "_r")) for name in job.mapping if name in plan.targets]
    out = io.StringIO()
    writer = csv_writer(out)  # source values a spreadsheet would run as formulas are quoted
    writer.writerow([_("feature"), _("reasons"), *[f"{name} ← {job.mapping[name]}" for name, _col in mapped]])
    columns = "".join(f", {col}::text" for _name, col in mapped)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT src_fid, array_to_string(_reasons, '; '){columns} FROM {checked_table(job)} "  # noqa: S608
                       "WHERE cardinality(_reasons) > 0 ORDER BY src_fid")
        for row in cursor.fetchall():
            writer.writerow(row)
    return out.getvalue()


def preview_geojson(job) -> str:
    """Up to PREVIEW_LIMIT features (rejected ones first) in WGS 84, with their reasons."""
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', q.src_fid,
            'geometry', ST_AsGeoJSON(cbs_import.try_transform(q._g, 4326), 7)::json,
            'properties', json_build_object('feature', q.src_fid, 'ok', cardinality(q._reasons) = 0,
                                            'reasons', array_to_string(q._reasons, '; ')))), '[]'))::text
        FROM (SELECT src_fid, _g, _reasons FROM {checked_table(job)} WHERE _g IS NOT NULL
              -- JSON has no Infinity or NaN (a GeoJSON file may): such a feature is only in the report
              AND greatest(abs(ST_XMin(_g)), abs(ST_XMax(_g)), abs(ST_YMin(_g)), abs(ST_YMax(_g))) < 'Infinity'::float8
              ORDER BY cardinality(_reasons) = 0, src_fid LIMIT {PREVIEW_LIMIT}) q
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]
