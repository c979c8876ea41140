"""Thematic maps of the district per mahalle – tickets, camera coverage of the road network,
building density, public services per population – computed in PostGIS, drawn with folium
(its JavaScript and CSS pointed at our own static files) as HTML, and as PNG with Pillow."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from django.db import connections
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cbs.db import read_alias

from .period import Period

# SQL per theme: one row per mahalle with `value` (and a GeoJSON geometry in CRS84).
THEMES = {
    "tickets": (gettext_lazy("Tickets per neighbourhood"), """
        SELECT m.adi, count(t.id)::float AS value
        FROM layers_mahalle m LEFT JOIN tickets_ticket t ON ST_Contains(m.geom, t.location)
             AND t.created_at >= %(start)s AND t.created_at < %(end)s
             AND (%(category)s::int IS NULL OR t.category_id = %(category)s
                  OR t.category_id IN (SELECT id FROM tickets_category WHERE parent_id = %(category)s))
        GROUP BY m.id"""),
    "coverage": (gettext_lazy("Share of road length seen by a camera (%)"), """
        WITH seen AS (SELECT ST_Union(assets_camera_sector(geom, azimut, "gorusAcisi", menzil)) AS g
                      FROM assets_camera WHERE durum <> 'hizmetDisi'),
             roads AS (SELECT m.id, ST_Intersection(y.geom, m.geom) AS g
                       FROM layers_mahalle m JOIN layers_yol y ON ST_Intersects(y.geom, m.geom))
        SELECT m.adi, coalesce(round((100 * sum(ST_Length(ST_Intersection(r.g, seen.g)))
                                      / nullif(sum(ST_Length(r.g)), 0))::numeric, 1), 0)::float AS value
        FROM layers_mahalle m LEFT JOIN roads r ON r.id = m.id CROSS JOIN seen
        GROUP BY m.id"""),
    "density": (gettext_lazy("Buildings per hectare"), """
        SELECT m.adi, round((count(b.id) / (ST_Area(m.geom) / 10000))::numeric, 2)::float AS value
        FROM layers_mahalle m LEFT JOIN layers_bina b ON ST_Contains(m.geom, ST_PointOnSurface(b.geom))
        GROUP BY m.id"""),
    "services": (gettext_lazy("Public service points per 10 000 residents"), """
        SELECT m.adi, round((10000.0 * count(k.id) / nullif(m.nufus, 0))::numeric, 2)::float AS value
        FROM layers_mahalle m LEFT JOIN layers_kamuhizmeti k ON ST_Contains(m.geom, k.geom)
        GROUP BY m.id"""),
}
COLOURS = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")  # five classes, light → dark


@dataclass
class ThemeData:
    title: str
    rows: list[tuple[str, float]]  # (mahalle, value), by name
    geojson: dict  # FeatureCollection in CRS84 with properties adi, value


def theme_data(theme: str, period: Period, category: int | None = None) -> ThemeData:
    title, sql = THEMES[theme]
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(f"""
            WITH v AS ({sql})
            SELECT v.adi, v.value, ST_AsGeoJSON(ST_Transform(m.geom, 4326), 6)
            FROM v JOIN layers_mahalle m ON m.adi = v.adi ORDER BY v.adi
        """, {"start": period.start, "end": period.end, "category": category})  # noqa: S608
        rows = cursor.fetchall()
    features = [{"type": "Feature", "geometry": json.loads(geom),
                 "properties": {"adi": _plain(name), "value": value}} for name, value, geom in rows]
    return ThemeData(str(title), [(name, value) for name, value, _geom in rows],
                     {"type": "FeatureCollection", "features": features})


def _plain(text: str) -> str:
    """Names go into map tooltips as HTML: keep them text."""
    return text.replace("<", "‹").replace(">", "›")


def classes(values: list[float]) -> list[float]:
    """Upper bounds of five equal-interval classes."""
    low, high = min(values, default=0), max(values, default=0)
    step = (high - low) / 5 or 1
    return [low + step * (i + 1) for i in range(5)]


def colour(value: float, bounds: list[float]) -> str:
    return next((c for c, b in zip(COLOURS, bounds, strict=True) if value <= b), COLOURS[-1])


def to_html(data: ThemeData) -> str:
    """A folium map whose scripts and styles come from our static files (no CDN)."""
    import folium

    bounds = classes([v for _n, v in data.rows])
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True)
    m.default_js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
    m.default_css = [("leaflet_css", static("vendor/leaflet/leaflet.css"))]
    layer = folium.GeoJson(
        data.geojson, name=data.title,
        style_function=lambda f: {"fillColor": colour(f["properties"]["value"], bounds), "color": "#555",
                                  "weight": 1, "fillOpacity": 0.8},
        tooltip=folium.GeoJsonTooltip(fields=["adi", "value"], aliases=[_("Neighbourhood"), data.title]))
    layer.add_to(m)
    m.fit_bounds(layer.get_bounds())
    legend = "".join(f'<div><span style="background:{c};display:inline-block;width:1em">&nbsp;</span> '
                     f"≤ {b:.1f}</div>" for c, b in zip(COLOURS, bounds, strict=True))
    m.get_root().html.add_child(folium.Element(
        f'<div style="position:fixed;bottom:1em;left:1em;z-index:999;background:#fff;padding:.5em;'
        f'font:12px sans-serif"><strong>{_plain(data.title)}</strong>{legend}</div>'))
    return m.get_root().render()


def to_png(data: ThemeData, width: int = 900, height: int = 700) -> bytes:
    """The same map as a picture (equirectangular over the district's small extent), with legend."""
    from PIL import Image, ImageDraw, ImageFont

    polygons = []
    for feature in data.geojson["features"]:
        geom = feature["geometry"]
        parts = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polygons.append((feature["properties"]["value"], [p[0] for p in parts]))
    xs = [x for _v, rings in polygons for ring in rings for x, _y in ring]
    ys = [y for _v, rings in polygons for ring in rings for _x, y in ring]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    scale = min((width - 40) / (maxx - minx), (height - 140) / (maxy - miny))
    bounds = classes([v for v, _r in polygons])
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for value, rings in polygons:
        for ring in rings:
            draw.polygon([(20 + (x - minx) * scale, 20 + (maxy - y) * scale) for x, y in ring],
                         fill=colour(value, bounds), outline="#555555")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 14)
    draw.text((20, height - 110), data.title, fill="black", font=font)
    for i, (c, b) in enumerate(zip(COLOURS, bounds, strict=True)):
        draw.rectangle((20 + i * 120, height - 80, 40 + i * 120, height - 60), fill=c, outline="#555555")
        draw.text((45 + i * 120, height - 80), f"≤ {b:.1f}", fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def to_pdf(data: ThemeData, subtitle: str = "") -> bytes:
    """The same map on the print layout of the map page (layers.printing): A4, the district
    fitted at a customary scale, mahalle names, a legend of the five classes, scale bar, date."""
    from django.conf import settings
    from pyproj import Transformer

    from layers.printing import DrawLayer, LegendEntry, fit_spec, render

    to_tm = Transformer.from_crs(4326, settings.CBS_SRID, always_xy=True)
    shapes = []
    for feature in data.geojson["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        tm = [[[to_tm.transform(x, y) for x, y in ring] for ring in poly] for poly in polygons]
        shapes.append((feature["properties"], tm))
    xs = [x for _p, polys in shapes for poly in polys for ring in poly for x, _y in ring]
    ys = [y for _p, polys in shapes for poly in polys for ring in poly for _x, y in ring]
    title = f"{data.title} – {subtitle}" if subtitle else data.title
    spec = fit_spec((min(xs), min(ys), max(xs), max(ys)), title)
    bounds = classes([v for _n, v in data.rows])
    layer = DrawLayer(title=data.title, geometry="Polygon", classified=True, fill_opacity=0.9, outline="#555555")
    for props, polys in shapes:
        paper = [[[spec.to_paper(x, y) for x, y in ring] for ring in poly] for poly in polys]
        layer.features.append(({"type": "MultiPolygon", "coordinates": paper}, colour(props["value"], bounds)))
        cx = sum(p[0] for p in paper[0][0]) / len(paper[0][0])
        cy = sum(p[1] for p in paper[0][0]) / len(paper[0][0])
        layer.labels.append((cx, cy, 0.0, props["adi"], 0.0))
    low = min((v for _n, v in data.rows), default=0)
    from django.utils.formats import number_format

    layer.legend = [LegendEntry(f"{number_format(lo, 1)} – {number_format(hi, 1)}", c, "Polygon")
                    for c, lo, hi in zip(COLOURS, [low, *bounds[:-1]], bounds, strict=True)]
    return render(spec, [layer])
