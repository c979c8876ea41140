"""Draws a PrintSpec and its layers as a vector PDF (reportlab): header, map frame with the
features and labels, optional TM grid, legend, scale text and bar, north arrow, date."""

from __future__ import annotations

import io
import math
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .layout import MARGIN, MM, DrawLayer, PrintSpec

FONT_FILES = {  # Turkish letters need a full Unicode font (Debian fonts-dejavu-core)
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
GRID_STEPS = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)  # metres
BAR_STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, path in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, path))


def _color(hex_colour: str, alpha: float = 1.0):
    from reportlab.lib.colors import Color, HexColor

    c = HexColor(hex_colour)
    return Color(c.red, c.green, c.blue, alpha=alpha)


def _rings_path(canvas, geometry: dict):
    """A reportlab path of a (Multi)Polygon/(Multi)LineString in paper points."""
    path = canvas.beginPath()
    kind, coords = geometry["type"], geometry.get("coordinates") or []
    if kind == "Polygon":
        parts, closed = coords, True
    elif kind == "MultiPolygon":
        parts, closed = [ring for poly in coords for ring in poly], True
    elif kind == "LineString":
        parts, closed = [coords], False
    elif kind == "MultiLineString":
        parts, closed = coords, False
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            sub = _rings_path(canvas, g)
            if sub is not None:
                path = sub  # rare (clip results); draw the last polygonal/linear piece
        return path
    else:
        return None
    for ring in parts:
        if len(ring) < 2:
            continue
        path.moveTo(*ring[0])
        for x, y in ring[1:]:
            path.lineTo(x, y)
        if closed:
            path.close()
    return path


def _points(geometry: dict) -> list:
    if geometry["type"] == "Point":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPoint":
        return geometry["coordinates"]
    return []


def _fill_opacity(layer: DrawLayer) -> float:
    if layer.fill_opacity is not None:
        return layer.fill_opacity
    return 0.45 if layer.classified else 0.12


def _draw_features(canvas, layer: DrawLayer) -> None:
    for geometry, colour in layer.features:
        if layer.geometry == "Point":
            canvas.setFillColor(_color(colour))
            canvas.setStrokeColor(_color("#ffffff"))
            canvas.setLineWidth(0.5)
            for x, y in _points(geometry):
                canvas.circle(x, y, 2.2, stroke=1, fill=1)
            continue
        path = _rings_path(canvas, geometry)
        if path is None:
            continue
        if layer.geometry == "Polygon":
            # Classes (zoning by use) are read from the fill; plain areas (mahalle, buildings)
            # only tint, so that what lies on them stays readable.
            canvas.setFillColor(_color(colour, _fill_opacity(layer)))
            canvas.setStrokeColor(_color(layer.outline or colour))
            canvas.setLineWidth(0.5)
            canvas.drawPath(path, stroke=1, fill=1, fillMode=0)
        else:
            canvas.setStrokeColor(_color(colour))
            canvas.setLineWidth(1.2)
            canvas.drawPath(path, stroke=1, fill=0)


class _Placed:
    """Label boxes already on the page (labels that would overlap are left out, as on the map)."""

    def __init__(self):
        self.boxes: list[tuple[float, float, float, float]] = []

    def free(self, box) -> bool:
        x0, y0, x1, y1 = box
        return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in self.boxes)

    def take(self, box) -> None:
        self.boxes.append(box)


def _draw_labels(canvas, layer: DrawLayer, placed: _Placed, size: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for x, y, angle, text, length in layer.labels:
        text = text.strip()
        if not text:
            continue
        width = stringWidth(text, FONT, size)
        if layer.geometry == "LineString" and length < width * 1.1:
            continue  # the street is shorter on paper than its name
        dx = 4 if layer.geometry == "Point" else -width / 2
        half = max(width / 2, size) + 1
        box = (x - half + (dx + width / 2 if layer.geometry == "Point" else 0), y - half,
               x + half + (dx + width / 2 if layer.geometry == "Point" else 0), y + half)
        if not placed.free(box):
            continue
        placed.take(box)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.rotate(angle)
        for mode, colour in ((1, "#ffffff"), (0, "#222222")):  # a white halo, then the text
            # q/Q around each pass: the text render mode is graphics state and would outlive BT/ET
            canvas.saveState()
            text_object = canvas.beginText()
            text_object.setFont(FONT, size)
            text_object.setTextRenderMode(mode)
            text_object.setStrokeColor(_color(colour))
            text_object.setFillColor(_color(colour))
            canvas.setLineWidth(1.8)
            canvas.setLineJoin(1)  # round: no spikes in the halo
            text_object.setTextOrigin(dx, -size / 3)
            text_object.textOut(text)
            canvas.drawText(text_object)
            canvas.restoreState()
        canvas.restoreState()


def _draw_grid(canvas, spec: PrintSpec) -> None:
    minx, miny, maxx, maxy = spec.extent
    f, k = spec.frame, spec.metres_per_point
    step = next((s for s in GRID_STEPS if (maxx - minx) / s <= 8), GRID_STEPS[-1])
    canvas.setStrokeColor(_color("#555555", 0.6))
    canvas.setLineWidth(0.3)
    canvas.setFont(FONT, 5.5)
    canvas.setFillColor(_color("#333333"))
    x = math.ceil(minx / step) * step
    while x < maxx:
        px = f.x + (x - minx) / k
        canvas.line(px, f.y, px, f.y + f.h)
        canvas.drawCentredString(px, f.y + f.h + 1.5, f"{x:,.0f}".replace(",", " "))
        x += step
    y = math.ceil(miny / step) * step
    while y < maxy:
        py = f.y + (y - miny) / k
        canvas.line(f.x, py, f.x + f.w, py)
        canvas.saveState()
        canvas.translate(f.x - 1.5, py)
        canvas.rotate(90)
        canvas.drawCentredString(0, 0, f"{y:,.0f}".replace(",", " "))
        canvas.restoreState()
        y += step


def _draw_legend(canvas, spec: PrintSpec, layers: list[DrawLayer]) -> None:
    box = spec.legend_box
    canvas.setFillColor(_color("#000000"))
    canvas.setFont(BOLD, 9)
    canvas.drawString(box.x, box.y + box.h - 9, _("Legend"))
    entries = [(layer, e) for layer in layers for e in layer.legend]
    line = 10.5
    columns = 1 if spec.landscape else 3
    per_column = max(1, int((box.h - 14) // line))
    column_width = box.w / columns
    canvas.setFont(FONT, 7.5)
    for i, (layer, entry) in enumerate(entries[: per_column * columns]):
        col, row = divmod(i, per_column)
        x, y = box.x + col * column_width, box.y + box.h - 22 - row * line
        swatch = _color(entry.color, _fill_opacity(layer) if entry.geometry == "Polygon" else 1)
        canvas.setStrokeColor(_color(entry.color))
        canvas.setFillColor(swatch)
        if entry.geometry == "Point":
            canvas.circle(x + 5, y + 3, 2.5, stroke=0, fill=1)
        elif entry.geometry == "LineString":
            canvas.setLineWidth(1.5)
            canvas.line(x, y + 3, x + 10, y + 3)
        else:
            canvas.setLineWidth(0.5)
            canvas.rect(x, y, 10, 6.5, stroke=1, fill=1)
        canvas.setFillColor(_color("#000000"))
        title = entry.label if entry.label == layer.title else f"{layer.title}: {entry.label}"
        canvas.drawString(x + 14, y + 0.5, title[:60])
    hidden = len(entries) - per_column * columns
    if hidden > 0:
        canvas.drawString(box.x, box.y + 2, _("… and %(n)d more legend entries") % {"n": hidden})


def _draw_scale_bar(canvas, spec: PrintSpec, x: float, y: float) -> None:
    k = spec.metres_per_point
    target = spec.frame.w * k / 4
    metres = max((s for s in BAR_STEPS if s <= target), default=BAR_STEPS[0])
    length = metres / k
    canvas.setLineWidth(0.5)
    canvas.setStrokeColor(_color("#000000"))
    for i in range(4):
        canvas.setFillColor(_color("#000000" if i % 2 == 0 else "#ffffff"))
        canvas.rect(x + i * length / 4, y, length / 4, 3.5, stroke=1, fill=1)
    canvas.setFillColor(_color("#000000"))
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(x, y + 6, "0")
    unit = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres} m"
    canvas.drawCentredString(x + length, y + 6, unit)


def _draw_north_arrow(canvas, x: float, y: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + 16)
    path.lineTo(x - 5, y)
    path.lineTo(x, y + 4)
    path.lineTo(x + 5, y)
    path.close()
    canvas.setFillColor(_color("#000000"))
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFont(BOLD, 8)
    canvas.drawCentredString(x, y + 18, _("N"))


def fit_title(title: str, room: float, largest: float = 15.0, smallest: float = 10.0) -> tuple[str, float]:
    """The title and type size that fit `room` points: smaller type first, then an ellipsis."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = largest
    while size > smallest and stringWidth(title, BOLD, size) > room:
        size -= 0.5
    while len(title) > 1 and stringWidth(title, BOLD, size) > room:
        title = title[:-2].rstrip() + "…"
    return title, size


def _draw_header(canvas, spec: PrintSpec) -> None:
    w, h = (v * MM for v in spec.page)
    top = h - MARGIN * MM
    logo = getattr(settings, "CBS_MUNICIPALITY_LOGO", "")
    text_right = w - MARGIN * MM
    if logo and Path(logo).is_file():
        canvas.drawImage(str(logo), text_right - 12 * MM, top - 12 * MM, 12 * MM, 12 * MM,
                         preserveAspectRatio=True, mask="auto")
        text_right -= 14 * MM
    from reportlab.pdfbase.pdfmetrics import stringWidth

    canvas.setFillColor(_color("#000000"))
    canvas.setFont(FONT, 8.5)
    organisation = getattr(settings, "CBS_ORGANISATION", "")
    canvas.drawRightString(text_right, top - 9, settings.CBS_MUNICIPALITY_NAME)
    canvas.drawRightString(text_right, top - 20, organisation)
    # The title takes the room the municipality's name leaves: smaller type, then an ellipsis.
    room = text_right - MARGIN * MM - 12 - max(stringWidth(settings.CBS_MUNICIPALITY_NAME, FONT, 8.5),
                                                 stringWidth(organisation, FONT, 8.5))
    title, size = fit_title(spec.title, room)
    canvas.setFont(BOLD, size)
    canvas.drawString(MARGIN * MM, top - 12, title)


def _draw_footer(canvas, spec: PrintSpec, layers: list[DrawLayer]) -> None:
    base = MARGIN * MM
    canvas.setFillColor(_color("#000000"))
    canvas.setFont(BOLD, 10)
    scale_text = f"{spec.scale:,}".replace(",", " ")
    canvas.drawString(base, base + 40, _("Scale 1:%(scale)s") % {"scale": scale_text})
    _draw_scale_bar(canvas, spec, base, base + 22)
    canvas.setFont(FONT, 7)
    now = timezone.localtime()
    canvas.drawString(base, base + 8, _("Date: %(date)s") % {"date": date_format(now, "DATETIME_FORMAT")})
    crs = _("Coordinate system: TUREF / TM (EPSG:%(srid)s)") % {"srid": settings.CBS_SRID}
    canvas.drawString(base, base, crs + f" · {spec.paper} · " + (_("landscape") if spec.landscape else _("portrait")))
    w = spec.page[0] * MM
    _draw_north_arrow(canvas, w - MARGIN * MM - 8, base + 18)
    notes = [_("%(layer)s: too many features for one page, some are not shown.") % {"layer": layer.title}
             for layer in layers if layer.truncated]
    for i, note in enumerate(notes[:2]):
        canvas.drawRightString(w - MARGIN * MM - 24, base + 8 * i, note)


def render(spec: PrintSpec, layers: list[DrawLayer]) -> bytes:
    """The PDF (bytes) of `layers` drawn in order, polygons under lines under points."""
    from reportlab.pdfgen.canvas import Canvas

    _fonts()
    out = io.BytesIO()
    w, h = (v * MM for v in spec.page)
    canvas = Canvas(out, pagesize=(w, h), pageCompression=1)
    canvas.setTitle(spec.title)
    canvas.setAuthor(settings.CBS_MUNICIPALITY_NAME)
    canvas.setCreator("Kent CBS")
    _draw_header(canvas, spec)
    f = spec.frame
    order = {"Polygon": 0, "LineString": 1, "Point": 2}
    drawn = sorted(layers, key=lambda layer: order.get(layer.geometry, 0))
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(f.x, f.y, f.w, f.h)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.setFillColor(_color("#ffffff"))
    for layer in drawn:
        _draw_features(canvas, layer)
    placed = _Placed()
    for layer in reversed(drawn):  # point and line labels win over area names
        _draw_labels(canvas, layer, placed, 7 if layer.geometry != "Polygon" else 8.5)
    canvas.restoreState()
    if spec.grid:
        _draw_grid(canvas, spec)
    canvas.setStrokeColor(_color("#000000"))
    canvas.setLineWidth(0.8)
    canvas.rect(f.x, f.y, f.w, f.h, stroke=1, fill=0)
    _draw_legend(canvas, spec, drawn)
    _draw_footer(canvas, spec, drawn)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
