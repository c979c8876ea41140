"""Export a layer (or a bbox subset) to GeoPackage, Shapefile (zip), GeoJSON, KML, CSV, XLSX or
DXF in a chosen CRS, with the TUCBS attribute names: PostGIS writes the features as GeoJSON
(storage CRS, millimetres) into a private temporary folder and GDAL's ogr2ogr converts and reprojects them. No
user string reaches GDAL: the layer, format and CRS come from fixed lists, names are ours. For CSV
and XLSX the text attributes are neutralised against formulas in that SQL (cbs.spreadsheet)."""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Field, TextField

from cbs.spreadsheet import neutralise_sql

from .registry import Layer


@dataclass(frozen=True)
class Format:
    driver: str
    extension: str
    content_type: str


FORMATS = {
    "gpkg": Format("GPKG", ".gpkg", "application/geopackage+sqlite3"),
    "shp": Format("ESRI Shapefile", ".zip", "application/zip"),
    "geojson": Format("GeoJSON", ".geojson", "application/geo+json"),
    "kml": Format("KML", ".kml", "application/vnd.google-earth.kml+xml"),
    "csv": Format("CSV", ".csv", "text/csv"),
    "xlsx": Format("XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "dxf": Format("DXF", ".dxf", "image/vnd.dxf"),
}
SPREADSHEETS = ("csv", "xlsx")  # their text is neutralised against formulas


def _column(name: str, f: Field, spreadsheet: bool) -> str:
    qn = connection.ops.quote_name
    value = f"t.{qn(f.column)}"
    if f.get_internal_type() in ("DateField", "DateTimeField", "DecimalField"):
        value += "::text"
    elif spreadsheet and isinstance(f.target_field if f.is_relation else f, CharField | TextField):
        value = neutralise_sql(value)  # text only: a number -1 stays a number
    return f"{value} AS {qn(name)}"


def _features_geojson(layer: type[Layer], bbox: tuple[float, float, float, float] | None,
                      spreadsheet: bool = False, ids: list[int] | None = None) -> str:
    qn = connection.ops.quote_name
    geom = qn(layer.geometry().column)
    columns = ", ".join(_column(name, f, spreadsheet) for name, f in layer.properties().items())
    where, params = "", []
    if bbox is not None:
        from ogc.crs import clip_to_storage_area

        clipped = clip_to_storage_area(bbox, layer.geometry().srid)
        where = "WHERE false"  # the box lies outside the storage CRS's area: nothing there
        if clipped is not None:
            where = (f"WHERE t.{geom} && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), "
                     f"{int(layer.geometry().srid)})")
            params = list(clipped)
    if ids is not None:  # the attribute table's selection (tucbsNo values)
        where = (where + " AND " if where else "WHERE ") + 't."tucbsNo" = ANY(%s::bigint[])'
        params.append(list(ids))
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features',
                                 coalesce(json_agg(ST_AsGeoJSON(q.*, 'g', 4)::json), '[]'))::text
        FROM (SELECT {columns}, t.{geom} AS g
              FROM {qn(layer.meta().db_table)} t {where} ORDER BY t."tucbsNo") q
    """  # noqa: S608  (identifiers from the registry, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def export_layer(layer: type[Layer], fmt: str, srid: int,
                 bbox: tuple[float, float, float, float] | None = None,
                 ids: list[int] | None = None) -> tuple[bytes, str]:
    """The file's bytes and its download name (only the features `ids` names, if given)."""
    srid = 4326 if fmt == "kml" else srid  # KML is always WGS 84
    geojson = _features_geojson(layer, bbox, spreadsheet=fmt in SPREADSHEETS, ids=ids)
    content = convert(geojson, fmt, layer.name, layer.geometry().srid, srid)
    return content, f"{layer.name}-epsg{srid}{FORMATS[fmt].extension}"


def convert(geojson: str, fmt: str, name: str, source_srid: int, srid: int) -> bytes:
    """A GeoJSON FeatureCollection (x/y order, in `source_srid`) as a file of format `fmt` in
    `srid`, through ogr2ogr in a private temporary folder; `name` is a layer name of ours."""
    spec = FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="cbs-export-") as tmp:
        folder = Path(tmp)
        source = folder / "source.geojson"
        source.write_text(geojson, encoding="utf-8")
        target = folder / (name if fmt == "shp" else f"{name}{spec.extension}")
        options = {"csv": ["-lco", "GEOMETRY=AS_WKT"], "shp": ["-lco", "ENCODING=UTF-8"],
                   "dxf": [], "gpkg": [], "geojson": ["-lco", "RFC7946=NO"], "kml": [], "xlsx": []}[fmt]
        # From the source CRS straight to the target: PROJ picks the operation for that pair
        # (via WGS 84 an ED50 export would take a less accurate one than imports use).
        subprocess.run(["ogr2ogr", "-f", spec.driver, str(target), str(source),
                        "-s_srs", f"EPSG:{int(source_srid)}", "-t_srs", f"EPSG:{int(srid)}",
                        "-nln", name.replace("-", "_"), *options],
                       check=True, capture_output=True, timeout=settings.CBS_REQUEST_TIMEOUT)
        if fmt == "shp":
            archive = folder / f"{name}.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
                for part in sorted(target.iterdir()):
                    z.write(part, part.name)
            target = archive
        return target.read_bytes()
