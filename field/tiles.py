"""The base map tiles of an area, many per request, for the device to file under their OGC tile
URLs. Each tile is the one /ogc/collections/<layer>/tiles/WebMercatorQuad/z/y/x serves (the same
renderer and the same per-generation tile cache); fetching them one by one cost ~10× the
PostGIS floor in request overhead (bench/field.py)."""

from __future__ import annotations

import base64
import math

from layers.registry import Layer
from layers.state import layer_state
from ogc import tile_store
from ogc.tiles import layer_generation, render_tile

MAX_TILES_PER_REQUEST = 1024  # one layer at z18 over 6 km² is ~650 tiles


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 (inclusive) of the WebMercatorQuad tiles meeting a lon/lat box at zoom z."""
    n = 2 ** z

    def tx(lon: float) -> int:
        return min(n - 1, max(0, math.floor((lon + 180) / 360 * n)))

    def ty(lat: float) -> int:
        r = math.radians(max(-85.05, min(85.05, lat)))
        return min(n - 1, max(0, math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)))

    return tx(bbox[0]), ty(bbox[3]), tx(bbox[2]), ty(bbox[1])


def tile_count(bbox: tuple[float, float, float, float], z: int) -> int:
    x0, y0, x1, y1 = tile_range(bbox, z)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def area_tiles(layer: type[Layer], bbox: tuple[float, float, float, float], z: int) -> dict:
    """{"generation", "tiles": [[x, y, base64 MVT or ""], ...]} of the layer at zoom z."""
    generation = layer_generation(layer, layer_state())
    x0, y0, x1, y1 = tile_range(bbox, z)
    tiles = []
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            data = tile_store.get(layer.name, generation, z, x, y)
            if data is None:
                data = render_tile(layer, z, x, y)
                tile_store.put(layer.name, generation, z, x, y, data)
            tiles.append([x, y, base64.b64encode(data).decode("ascii")])
    return {"generation": generation, "tiles": tiles}
