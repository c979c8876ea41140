"""Draws the field app's icons (field/static/field/img/icon-<size>.png) with Pillow, locally:
a map pin over a grid on the site's dark colour. Run again after changing the design."""

from pathlib import Path

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parents[2] / "static" / "field" / "img"


def icon(size: int) -> Image.Image:
    s = size / 512
    image = Image.new("RGB", (size, size), "#212529")
    draw = ImageDraw.Draw(image)
    for i in range(1, 8):  # a map grid, inside the maskable safe zone
        v = round(i * 64 * s)
        draw.line([(v, 0), (v, size)], fill="#343a40", width=max(1, round(3 * s)))
        draw.line([(0, v), (size, v)], fill="#343a40", width=max(1, round(3 * s)))
    cx, cy, r = 256 * s, 220 * s, 92 * s
    draw.polygon([(cx - r * 0.82, cy + r * 0.55), (cx + r * 0.82, cy + r * 0.55), (cx, 400 * s)], fill="#ff7f00")
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill="#ff7f00")
    draw.ellipse([cx - r * 0.42, cy - r * 0.42, cx + r * 0.42, cy + r * 0.42], fill="#ffffff")
    return image


class Command(BaseCommand):
    help = "Draw the field app's PNG icons."

    def handle(self, *args, **options):
        IMG.mkdir(parents=True, exist_ok=True)
        for size in (192, 512):
            icon(size).save(IMG / f"icon-{size}.png", optimize=True)
        self.stdout.write(f"icons written to {IMG}")
