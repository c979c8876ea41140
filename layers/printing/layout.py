"""The page: paper sizes, the print request (validated), where the map frame and legend go."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cbs.text import has_control_characters

MM = 72 / 25.4  # PDF points per millimetre

PAPERS = {"A4": (210, 297), "A3": (297, 420)}  # portrait width, height in mm
SCALES = (500, 1000, 2000, 2500, 5000, 10000, 25000)  # offered in the form; any in range is taken
SCALE_RANGE = (500, 25000)
MARGIN = 10        # mm around everything
HEADER = 16        # mm for the title band
FOOTER = 22        # mm for scale text, scale bar, north arrow, date
LEGEND_SIDE = 62   # mm, legend beside the map on landscape pages
LEGEND_BELOW = 40  # mm, legend under the map on portrait pages
TITLE_MAX = 120


@dataclass(frozen=True)
class Rect:
    x: float  # points, from the page's lower left
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class PrintSpec:
    paper: str          # "A4" / "A3"
    landscape: bool
    scale: int          # denominator
    center: tuple[float, float]  # in the storage TM zone (metres)
    title: str
    grid: bool = False

    @property
    def page(self) -> tuple[float, float]:
        w, h = PAPERS[self.paper]
        return (h, w) if self.landscape else (w, h)  # mm

    @property
    def frame(self) -> Rect:
        """The map frame on the page (points)."""
        w, h = self.page
        if self.landscape:
            fw, fh = w - 2 * MARGIN - LEGEND_SIDE - 4, h - 2 * MARGIN - HEADER - FOOTER
        else:
            fw, fh = w - 2 * MARGIN, h - 2 * MARGIN - HEADER - FOOTER - LEGEND_BELOW
        return Rect(MARGIN * MM, (MARGIN + FOOTER) * MM + (0 if self.landscape else LEGEND_BELOW * MM),
                    fw * MM, fh * MM)

    @property
    def legend_box(self) -> Rect:
        w, h = self.page
        frame = self.frame
        if self.landscape:
            return Rect(frame.x + frame.w + 4 * MM, frame.y, LEGEND_SIDE * MM, frame.h)
        return Rect(MARGIN * MM, (MARGIN + FOOTER) * MM, frame.w, (LEGEND_BELOW - 3) * MM)

    @property
    def metres_per_point(self) -> float:
        return self.scale / 1000 / MM

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The frame's ground extent in the TM zone (minx, miny, maxx, maxy)."""
        f, k = self.frame, self.metres_per_point
        cx, cy = self.center
        return (cx - f.w * k / 2, cy - f.h * k / 2, cx + f.w * k / 2, cy + f.h * k / 2)

    def to_paper(self, x: float, y: float) -> tuple[float, float]:
        """A TM-zone point's place on the page (points)."""
        minx, miny, _maxx, _maxy = self.extent
        k = self.metres_per_point
        return self.frame.x + (x - minx) / k, self.frame.y + (y - miny) / k


@dataclass
class LegendEntry:
    label: str
    color: str
    geometry: str  # Point / LineString / Polygon


@dataclass
class DrawLayer:
    """One layer's share of the page: paper-space GeoJSON geometries with colours, labels."""

    title: str
    geometry: str
    features: list[tuple[dict, str]] = field(default_factory=list)          # (geometry, colour)
    # x, y, angle° (counter-clockwise), text, the line's length on paper (0 for areas and points)
    labels: list[tuple[float, float, float, str, float]] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    truncated: bool = False
    classified: bool = False  # colours tell classes apart (drawn with a stronger fill)
    fill_opacity: float | None = None  # None: 0.45 when classified, else a 0.12 tint
    outline: str | None = None         # None: the feature's own colour


def _number(raw: str | None, name: str) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        raise ValidationError(_("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(value):
        raise ValidationError(_("%(name)s must be a number.") % {"name": name})
    return value


def _tm_bounds() -> tuple[float, float, float, float]:
    """The municipality's box in the TM zone, with a 2 km margin (centres outside are refused)."""
    from .content import municipality_tm_bounds

    minx, miny, maxx, maxy = municipality_tm_bounds()
    return minx - 2000, miny - 2000, maxx + 2000, maxy + 2000


def parse_print_request(params) -> PrintSpec:
    """A PrintSpec from the print form's query (ValidationError with a translated message)."""
    paper = params.get("paper", "A4")
    if paper not in PAPERS:
        raise ValidationError(_("Paper must be A4 or A3."))
    orientation = params.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        raise ValidationError(_("Orientation must be portrait or landscape."))
    raw_scale = (params.get("scale") or "").strip().replace(".", "").replace(" ", "")
    if raw_scale.startswith("1:"):
        raw_scale = raw_scale[2:]
    if not raw_scale.isascii() or not raw_scale.isdigit() or not (
            SCALE_RANGE[0] <= int(raw_scale) <= SCALE_RANGE[1]):
        raise ValidationError(_("Scale must be between 1:500 and 1:25 000."))
    x, y = _number(params.get("x"), "x"), _number(params.get("y"), "y")
    minx, miny, maxx, maxy = _tm_bounds()
    if not (minx <= x <= maxx and miny <= y <= maxy):
        raise ValidationError(_("The map centre is outside the municipality."))
    title = (params.get("title") or "").strip()
    if len(title) > TITLE_MAX:
        raise ValidationError(_("The title may have at most %(n)d characters.") % {"n": TITLE_MAX})
    if has_control_characters(title):
        raise ValidationError(_("The title contains control characters."))
    return PrintSpec(paper=paper, landscape=orientation == "landscape", scale=int(raw_scale),
                     center=(x, y), title=title or _("Map"), grid=params.get("grid") in ("1", "on", "true"))


NICE_SCALES = (500, 1000, 2000, 2500, 5000, 10000, 15000, 20000, 25000, 50000, 100000)


def fit_spec(extent: tuple[float, float, float, float], title: str, paper: str = "A4",
             landscape: bool = False) -> PrintSpec:
    """A spec whose frame holds `extent` (TM metres) at the smallest customary scale."""
    minx, miny, maxx, maxy = extent
    probe = PrintSpec(paper, landscape, 1000, ((minx + maxx) / 2, (miny + maxy) / 2), title)
    f = probe.frame
    needed = max((maxx - minx) / (f.w / MM), (maxy - miny) / (f.h / MM)) * 1000 * 1.05
    scale = next((s for s in NICE_SCALES if s >= needed), NICE_SCALES[-1])
    return PrintSpec(paper, landscape, scale, probe.center, title)
