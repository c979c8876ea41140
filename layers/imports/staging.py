"""Copying a source file as it is into a staging table (schema cbs_import) with ogr2ogr.

GDAL's PostgreSQL driver writes with COPY, so staging costs what `ogr2ogr -f PostgreSQL` costs
(a little less: the table is unlogged – a staged copy needs no crash safety, a job cut off is
reaped and run again – so it adds nothing to the WAL the import's transaction writes).
The staged geometry keeps the file's coordinates; the transformation to the storage CRS is
done by PostGIS in the checks. Every argument is
ours: the server-side file name, our table name, the layer name GDAL itself reported.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from .sources import TABULAR

_PERCENT = re.compile(r"(\d+)")


def _pg_target() -> tuple[str, dict[str, str]]:
    """GDAL's connection string for our database (password through the environment)."""
    db = connection.settings_dict
    parts = [f"dbname='{db['NAME']}'"]
    if db.get("HOST"):
        parts.append(f"host='{db['HOST']}'")
    if db.get("PORT"):
        parts.append(f"port='{db['PORT']}'")
    if db.get("USER"):
        parts.append(f"user='{db['USER']}'")
    env = {**os.environ, "PGCLIENTENCODING": "UTF8"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return "PG:" + " ".join(parts), env


# Field types GDAL hands PostgreSQL as typed values that it may refuse (staged as text on a retry).
TYPED_AS_TEXT = "Date=String,DateTime=String,Time=String,Integer(Boolean)=String"


def stage(path: Path, kind: str, layer_name: str, table: str, srid: int,
          progress: Callable[[int], None] = lambda p: None) -> None:
    """Copy layer `layer_name` of the file into `table` (columns: src_fid, src_geom, fields)."""
    target, env = _pg_target()
    schema, name = table.split(".")
    args = ["ogr2ogr", "-f", "PostgreSQL", target, str(path), layer_name, "-progress",
            "-nln", name, "-lco", f"SCHEMA={schema}", "-lco", "LAUNDER=NO", "-lco", "PRECISION=NO",
            "-lco", "FID=src_fid", "-lco", "SPATIAL_INDEX=NONE", "-lco", "OVERWRITE=YES", "-lco", "UNLOGGED=YES",
            "--config", "PG_USE_COPY", "YES", "-gt", "65536"]
    if kind in TABULAR:
        args += ["-nlt", "NONE"]
        if kind == "csv":  # text as it is: numbers with a decimal comma are read by the checks
            args += ["-oo", "AUTODETECT_TYPE=NO", "-oo", "EMPTY_STRING_AS_NULL=YES"]
    else:
        # Keep the file's coordinates (in 2D), labelled with the CRS the user confirmed: what the
        # file says, or what the user says it is. Nothing is transformed here.
        args += ["-lco", "GEOMETRY_NAME=src_geom", "-nlt", "GEOMETRY", "-dim", "XY", "-a_srs", f"EPSG:{int(srid)}"]
        if kind == "dxf":
            args += ["-oo", "DXF_FEATURE_LIMIT_PER_BLOCK=-1"]
    failed = _run(args, env, progress)
    if failed is not None and "COPY" in failed and kind not in TABULAR:
        # A typed value PostgreSQL refuses (a GeoPackage date 0000-01-01, a GeoJSON "2020-02-30"
        # that GDAL took for a date, a boolean 2) fails the whole COPY: stage such columns as
        # text instead, and the checks give each bad value its reason.
        failed = _run([*args, "-mapFieldType", TYPED_AS_TEXT], env, progress)
    if failed is not None:
        raise StagingError(_("GDAL could not read the file: %(reason)s") % {"reason": _gdal_reason(failed)})


def _run(args: list[str], env: dict, progress: Callable[[int], None]) -> str | None:
    """Run ogr2ogr with its progress reported; None, or its error output when it failed."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = ""
    while chunk := process.stdout.read(8):
        seen = (seen + chunk.decode("ascii", "replace"))[-16:]
        numbers = _PERCENT.findall(seen)
        if numbers:
            progress(min(int(numbers[-1]), 100))
    stderr = process.stderr.read().decode("utf-8", "replace")
    return stderr if process.wait() != 0 else None


def _gdal_reason(stderr: str) -> str:
    errors = [line.removeprefix("ERROR 1: ").strip() for line in stderr.splitlines() if "ERROR" in line]
    text = (errors or stderr.strip().splitlines() or ["?"])[0 if errors else -1]
    # GDAL may echo paths; ours are server-side names, still keep only the message.
    return re.sub(r"/\S+", "…", text)[:300]


def drop(table: str, wait: bool = True) -> None:
    """Drop a staging table (our own name). Without `wait`, give up after 2 s if a dying worker's
    session still holds it: a later reap drops it."""
    from django.db import transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not wait:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    except Exception:
        if wait:
            raise


class StagingError(Exception):
    pass
