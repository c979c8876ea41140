"""What a layer puts on the page: PostGIS clips, simplifies and moves the geometries onto the
paper (points, origin at the page's lower left) so Python only draws; labels where the registry
says they belong at this scale; legend entries for the classes that appear in the frame."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connections

from cbs.db import read_alias

from ..models.base import municipality_area
from ..registry import Layer
from ..styles import scale_of_zoom, style_of
from .layout import DrawLayer, LegendEntry, PrintSpec

MAX_FEATURES = 50_000   # per layer on one page; more is noted on the page, not drawn
SIMPLIFY_POINTS = 0.2   # vertices closer than this on paper (≈ 0.07 mm) are one


def municipality_tm_bounds() -> tuple[float, float, float, float]:
    return municipality_area().extent


def _geometry_kind(layer: type[Layer]) -> str:
    kind = layer.geometry_type().replace("Multi", "")
    return {"Point": "Point", "LineString": "LineString"}.get(kind, "Polygon")


def layer_content(layer: type[Layer], spec: PrintSpec) -> DrawLayer:
    """The features, labels and legend of `layer` inside the frame of `spec`."""
    style = style_of(layer)
    kind = _geometry_kind(layer)
    drawn = DrawLayer(title=str(layer.title), geometry=kind, classified=bool(style.class_property))
    if spec.scale > scale_of_zoom(layer.map_min_zoom) * 1.01:
        return drawn  # as on the map: not drawn at this scale (the legend says so)
    ops = connections[read_alias()].ops
    table = ops.quote_name(layer.meta().db_table)
    geom = ops.quote_name(layer.geometry().column)
    cls = f"t.{ops.quote_name(style.class_property)}::text" if style.class_property else "NULL::text"
    labelled = style.label_property and spec.scale <= scale_of_zoom(style.label_min_zoom) * 1.01
    label = f"t.{ops.quote_name(style.label_property)}::text" if labelled else "NULL::text"
    k = spec.metres_per_point
    minx, miny, maxx, maxy = spec.extent
    frame = spec.frame
    pad = 0.02 * (maxx - minx)
    clipped = "g0" if kind == "Point" else "ST_ClipByBox2D(g0, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s))"
    # The label anchor: a point inside a polygon; the middle of a line's longest piece with its
    # direction; the point itself.
    anchor = {
        "Polygon": "ST_PointOnSurface(g), 0.0, 0.0",
        "LineString": """ST_LineInterpolatePoint(l, 0.5),
                         degrees(ST_Azimuth(ST_LineInterpolatePoint(l, 0.4), ST_LineInterpolatePoint(l, 0.6))),
                         ST_Length(l)""",
        "Point": "g, 0.0, 0.0",
    }[kind]
    longest = ("(SELECT d.geom FROM ST_Dump(ST_LineMerge(g)) d ORDER BY ST_Length(d.geom) DESC LIMIT 1)"
               if kind == "LineString" and labelled else "NULL::geometry")
    if not labelled:
        anchor = "NULL::geometry, NULL::float8, NULL::float8"
    sql = f"""
        WITH src AS (
            SELECT {cls} AS cls, {label} AS label, ST_Transform(t.{geom}, %(srid)s) AS g0
            FROM {table} t
            WHERE t.{geom} && ST_Transform(ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, %(srid)s),
                                            %(storage_srid)s)
            LIMIT %(limit)s
        ), paper AS (
            SELECT cls, label,
                   ST_SimplifyPreserveTopology(ST_Affine({clipped}, %(a)s, 0, 0, %(a)s, %(xo)s, %(yo)s),
                                               %(tol)s) AS g
            FROM src
        ), shaped AS (SELECT cls, label, g, {longest} AS l FROM paper WHERE NOT ST_IsEmpty(g))
        SELECT cls, ST_AsGeoJSON(g, 2), label, ST_X(a.p), ST_Y(a.p), a.angle, a.length
        FROM shaped, LATERAL (SELECT {anchor}) AS a(p, angle, length)
    """  # noqa: S608 – identifiers come from the registry, values are parameters
    params = {
        "srid": settings.CBS_SRID, "x0": minx - pad, "y0": miny - pad, "x1": maxx + pad, "y1": maxy + pad,
        "a": 1 / k, "xo": frame.x - minx / k, "yo": frame.y - miny / k, "tol": SIMPLIFY_POINTS,
        "limit": MAX_FEATURES + 1,
        "storage_srid": layer.geometry().srid,  # a constant, so the spatial index is used
    }
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(rows) > MAX_FEATURES:
        rows, drawn.truncated = rows[:MAX_FEATURES], True
    present = set()
    for value, geojson, text, x, y, angle, length in rows:
        drawn.features.append((json.loads(geojson), style.color_of(value)))
        present.add(value)
        if text and x is not None:
            drawn.labels.append((x, y, _reading_angle(angle, kind), text, length or 0.0))
    drawn.legend = [LegendEntry(c.label, c.color, kind) for c in style.classes
                    if c.value is None or c.value in present]
    return drawn


def _reading_angle(azimuth: float | None, kind: str) -> float:
    """A line label's rotation (degrees counter-clockwise), turned so text never reads upside down."""
    if kind != "LineString" or azimuth is None:
        return 0.0
    angle = 90.0 - azimuth  # azimuth: clockwise from north; PDF: counter-clockwise from east
    while angle > 90:
        angle -= 180
    while angle <= -90:
        angle += 180
    return angle
