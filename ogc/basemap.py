"""An offline base map for the OGC API's HTML pages (pygeoapi's Leaflet maps): XYZ PNG tiles
(EPSG:3857) drawn by the WMS engine from our own published layers – districts, roads,
buildings – with their map styles and scale ranges. What anonymous callers may see, nothing
more: the same image for everyone, cacheable."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from layers.state import layer_state

from .engine import EngineError, engine_call
from .gate import Caller, visible_collections
from .mapfile import mapfile_for

# Drawn bottom to top; each only where published and inside its zoom range (zoning plans are
# left out: their strong class colours would drown the features shown over the base).
BASE_LAYERS = ("id-mahalle", "ul-karayolu", "ad-yol", "bi-bina")
HALF_WORLD = 20037508.3427892
MAX_ZOOM = 20


def tile_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * HALF_WORLD / 2 ** z
    west, north = -HALF_WORLD + x * size, HALF_WORLD - y * size
    return west, north - size, west + size, north


@require_http_methods(["GET", "HEAD"])
def basemap_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return HttpResponse(status=HTTPStatus.NOT_FOUND)
    state = layer_state()
    visible = visible_collections(Caller("anonymous"), state)
    mapfile, layers = mapfile_for(visible, state.states, state.config_key,
                                  request.build_absolute_uri("/ows").rstrip("/"))
    names = [name for name in BASE_LAYERS if name in {layer.name for layer in layers}]
    if not names:
        return HttpResponse(status=HTTPStatus.NO_CONTENT)
    params = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": ",".join(names),
              "STYLES": "", "CRS": "EPSG:3857", "BBOX": ",".join(f"{v:.3f}" for v in tile_bbox(z, x, y)),
              "WIDTH": "256", "HEIGHT": "256", "FORMAT": "image/png", "TRANSPARENT": "FALSE"}
    try:
        status, headers, body = engine_call(mapfile, params, script_name="/ows/wms",
                                            host=request.get_host().split(":")[0])
    except EngineError:
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE)
    if status != HTTPStatus.OK or not headers.get("content-type", "").startswith("image/"):
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE)
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response
