"""The MapServer mapfile of one caller's view, generated from the registry and layers.styles.

One file per (configuration generation, visible layers, language, base URL) under CBS_OWS_DIR,
written once by whichever process needs it first (content is deterministic; the name is its
key): no file is the truth, the database's generations are (layers.state). A layer the caller
may not see is not in its mapfile at all, so MapServer cannot answer for it in any request.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pyproj
from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from layers.registry import Layer, all_layers, get_layer
from layers.styles import scale_of_zoom, style_of

from .crs import offered_srids
from .engine import engine_dir
from .ows_role import ows_role_grant

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
KEEP_SECONDS = 24 * 3600  # mapfiles of old generations are removed after a day
# A new version of this generator writes new files (part of every mapfile's key).
GENERATOR = hashlib.blake2s(Path(__file__).read_bytes(), digest_size=4).hexdigest()
# What this process granted the engine's role last, per database: granted again whenever the
# published set differs (another process may have changed the grants meanwhile).
_granted: dict[str, frozenset[str]] = {}


def ms_string(value) -> str:
    """A MapServer string literal (double quoted; backslash and quote escaped, one line)."""
    text = force_str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(text.split()) + '"'


def _rgb(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return " ".join(str(int(h[i:i + 2], 16)) for i in (0, 2, 4))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connection() -> str:
    db = connection.settings_dict
    parts = {"host": db["HOST"] or "localhost", "port": str(db["PORT"] or 5432),
             "dbname": db["NAME"], "user": settings.CBS_OWS_DB_USER,
             "application_name": "kentcbs-ows"}
    if settings.CBS_OWS_DB_PASSWORD:
        parts["password"] = settings.CBS_OWS_DB_PASSWORD
    return " ".join(f"{k}='{v}'" for k, v in parts.items())


def _extent() -> str:
    west, south, east, north = settings.CBS_MAP_BBOX
    to_tm = pyproj.Transformer.from_crs(4326, settings.CBS_SRID, always_xy=True)
    x0, y0, x1, y1 = to_tm.transform_bounds(west, south, east, north)
    return f"{x0:.1f} {y0:.1f} {x1:.1f} {y1:.1f}"


def _srs() -> str:
    return " ".join(f"EPSG:{s}" for s in dict.fromkeys([settings.CBS_SRID, *offered_srids()]))


def _style(geometry: str, color: str) -> str:
    rgb = _rgb(color)
    if "Point" in geometry:
        return (f"STYLE SYMBOL \"circle\" SIZE 8 COLOR {rgb} OUTLINECOLOR 255 255 255 WIDTH 1 END")
    if "Line" in geometry:
        return f"STYLE COLOR {rgb} WIDTH 2 END"
    return f"STYLE COLOR {rgb} OPACITY 20 END STYLE OUTLINECOLOR {rgb} WIDTH 1 END"


def _label(geometry: str, max_scale: float) -> str:
    position = "POSITION AUTO" if "Point" in geometry else ""
    angle = "ANGLE FOLLOW" if "Line" in geometry else ""
    return (f"LABEL TYPE TRUETYPE FONT \"sans\" SIZE 8 COLOR 40 40 40 OUTLINECOLOR 255 255 255 "
            f"OUTLINEWIDTH 2 {position} {angle} MAXSCALEDENOM {max_scale:.0f} PARTIALS FALSE END")


def _layer(layer: type[Layer]) -> str:
    meta = layer.meta()
    style = style_of(layer)
    pk, geom = meta.pk.column, layer.geometry().column
    columns = ", ".join(_ident(c) for c in dict.fromkeys([pk, geom, *layer.properties()]))
    srid = layer.geometry().srid
    data = (f"{geom} from (select {columns} from {_ident(meta.db_table)}) as sub "
            f"using unique {pk} using srid={srid}")
    kind = "POINT" if "Point" in style.geometry else "LINE" if "Line" in style.geometry else "POLYGON"
    label = _label(style.geometry, scale_of_zoom(style.label_min_zoom)) if style.label_property else ""
    classes = []
    for c in style.classes:
        expression = f"EXPRESSION {ms_string(c.value)}" if c.value is not None else ""
        classes.append(f"CLASS NAME {ms_string(c.label)} {expression} "
                       f"{_style(style.geometry, c.color)} {label} END")
    if style.class_property:  # values outside the code list: the layer's own colour, as the map
        classes.append(f"CLASS NAME {ms_string(_('Other'))} "
                       f"{_style(style.geometry, style.color)} {label} END")
    lines = [
        "LAYER",
        f"NAME {ms_string(layer.name)}",
        f"TYPE {kind}",
        "STATUS ON",
        "CONNECTIONTYPE POSTGIS",
        f"CONNECTION {ms_string(_connection())}",
        f"DATA '{data}'",
        'PROCESSING "CLOSE_CONNECTION=DEFER"',
        f'PROJECTION "init=epsg:{srid}" END',
        'TEMPLATE "query"',
        f"MAXSCALEDENOM {scale_of_zoom(style.min_zoom):.0f}",
        f"EXTENT {_extent()}",
        f"LABELITEM {ms_string(style.label_property)}" if style.label_property else "",
        f"CLASSITEM {ms_string(style.class_property)}" if style.class_property else "",
        "METADATA",
        f'"ows_title" {ms_string(layer.title)}',
        f'"ows_abstract" {ms_string(layer.description)}',
        f'"ows_keywordlist" {ms_string(",".join([layer.theme, *layer.keywords]))}',
        f'"ows_srs" "{_srs()}"',
        '"gml_include_items" "all"',
        '"wms_include_items" "all"',
        f'"gml_featureid" {ms_string(pk)}',
        f'"wfs_featureid" {ms_string(pk)}',
        '"gml_types" "auto"',
        f'"gml_geometries" {ms_string(geom)}',
        f'"gml_{geom}_type" "{_gml_type(style.geometry)}"',
        '"wfs_getfeature_formatlist" "geojson"',
        '"wms_getfeatureinfo_formatlist" "geojson,gml"',
        '"wfs_use_default_extent_for_getfeature" "false"',
        '"wfs_compute_number_matched" "true"',
        "END",
        *classes,
        "END",
    ]
    return "\n  ".join(line for line in lines if line)


def _gml_type(geometry: str) -> str:
    return {"Point": "point", "MultiPoint": "multipoint", "LineString": "line",
            "MultiLineString": "multiline", "Polygon": "polygon",
            "MultiPolygon": "multipolygon"}.get(geometry, "geometry")


def mapfile_text(layers: list[type[Layer]], base_url: str) -> str:
    folder = engine_dir()
    fonts = folder / "fonts.txt"
    if not fonts.exists():
        fonts.write_text(f"sans {FONT}\n")
    wms, wfs = f"{base_url}/wms?", f"{base_url}/wfs?"
    title = ms_string(_("Kent CBS – municipal layers"))
    abstract = ms_string(_("Published layers of the municipality (TUCBS), WMS 1.3.0 and WFS 2.0."))
    head = f"""MAP
  NAME "kentcbs"
  STATUS ON
  UNITS METERS
  EXTENT {_extent()}
  SIZE 512 512
  MAXSIZE 4096
  RESOLUTION 90.714
  DEFRESOLUTION 90.714
  IMAGECOLOR 255 255 255
  FONTSET "{fonts}"
  PROJECTION "init=epsg:{settings.CBS_SRID}" END
  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  OUTPUTFORMAT NAME "png" DRIVER "AGG/PNG" MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" TRANSPARENT ON END
  OUTPUTFORMAT NAME "jpeg" DRIVER "AGG/JPEG" MIMETYPE "image/jpeg" IMAGEMODE RGB EXTENSION "jpg" END
  OUTPUTFORMAT NAME "geojson" DRIVER "OGR/GEOJSON" MIMETYPE "application/geo+json"
    FORMATOPTION "STORAGE=stream" FORMATOPTION "FORM=SIMPLE" FORMATOPTION "LCO:WRITE_BBOX=NO" END
  OUTPUTFORMAT NAME "gml" DRIVER "OGR/GML" MIMETYPE "application/vnd.ogc.gml"
    FORMATOPTION "STORAGE=memory" FORMATOPTION "FORM=SIMPLE" END
  LEGEND KEYSIZE 20 12 LABEL TYPE TRUETYPE FONT "sans" SIZE 8 COLOR 0 0 0 END END
  WEB
    METADATA
      "ows_title" {title}
      "ows_abstract" {abstract}
      "wms_onlineresource" {ms_string(wms)}
      "wfs_onlineresource" {ms_string(wfs)}
      "ows_srs" "{_srs()}"
      "ows_encoding" "UTF-8"
      "wms_enable_request" "GetCapabilities GetMap GetFeatureInfo GetLegendGraphic GetStyles"
      "wfs_enable_request" "GetCapabilities DescribeFeatureType GetFeature"
      "wfs_getfeature_formatlist" "geojson"
      "wms_getfeatureinfo_formatlist" "geojson,gml"
      "wms_feature_info_mime_type" "application/vnd.ogc.gml"
      "wfs_namespace_prefix" "kentcbs"
      "wfs_namespace_uri" {ms_string(base_url)}
      "wfs_maxfeatures" "10000"
      "wfs_compute_number_matched" "true"
      "wms_bbox_extended" "true"
      "ows_sld_enabled" "false"
    END
  END
"""
    return head + "".join(f"  {_layer(layer)}\n" for layer in layers) + "END\n"


def mapfile_for(visible: frozenset[str], states: dict[str, str], config_key: str,
                base_url: str) -> tuple[Path, list[type[Layer]]]:
    """The mapfile (written if missing) and the layers it serves: the published layers among
    `visible` (WMS/WFS never show drafts or internal layers, whoever asks)."""
    from .gate import public_or_protocol

    published = public_or_protocol(states)
    layers = [layer for layer in all_layers() if layer.name in visible and layer.name in published]
    database = connection.settings_dict["NAME"]
    if _granted.get(database) != frozenset(published):
        ows_role_grant(published=[get_layer(n) for n in sorted(published)],
                       withheld=[la for la in all_layers() if la.name not in published])
        _granted[database] = frozenset(published)
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = "|".join([GENERATOR, config_key, ",".join(sorted(la.name for la in layers)), language, base_url,
                    connection.settings_dict["NAME"]])
    path = engine_dir() / f"ows-{hashlib.blake2s(key.encode(), digest_size=10).hexdigest()}.map"
    if not path.exists():
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        tmp.write_text(mapfile_text(layers, base_url), encoding="utf-8")
        tmp.replace(path)
        _prune(path.parent)
    return path, layers


def _prune(folder: Path) -> None:
    now = time.time()
    for old in folder.glob("ows-*.map"):
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except FileNotFoundError:
            pass
