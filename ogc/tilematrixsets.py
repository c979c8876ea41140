"""OGC Two Dimensional Tile Matrix Set 2.0 definitions served locally at /ogc/tileMatrixSets:
the one scheme our vector tiles use (WebMercatorQuad), computed here rather than linked to
the OGC registry on the internet (municipal networks are often closed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import views

ORIGIN = 20037508.3427892  # half the Web Mercator world width, metres
SCALE_0 = 559082264.0287178  # scale denominator of zoom 0 with 0.28 mm pixels
MAX_ZOOM = 24

WEB_MERCATOR_QUAD = "WebMercatorQuad"


def web_mercator_quad() -> dict:
    return {
        "id": WEB_MERCATOR_QUAD,
        "title": "Google Maps Compatible for the World",
        "uri": "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {"lowerLeft": [-ORIGIN, -ORIGIN], "upperRight": [ORIGIN, ORIGIN],
                        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857"},
        "tileMatrices": [
            {"id": str(z), "scaleDenominator": SCALE_0 / 2 ** z,
             "cellSize": 2 * ORIGIN / 256 / 2 ** z, "cornerOfOrigin": "topLeft",
             "pointOfOrigin": [-ORIGIN, ORIGIN], "tileWidth": 256, "tileHeight": 256,
             "matrixWidth": 2 ** z, "matrixHeight": 2 ** z}
            for z in range(MAX_ZOOM + 1)
        ],
    }


DEFINITIONS = {WEB_MERCATOR_QUAD: web_mercator_quad}


def tile_matrix_set_href(request: HttpRequest, tms_id: str) -> str:
    return f"{views._base_url(request)}/tileMatrixSets/{tms_id}"


@require_http_methods(["GET", "HEAD"])
@views.gated
def tile_matrix_sets(request: HttpRequest) -> HttpResponse:
    """The list (OGC API – Tiles, /tileMatrixSets)."""
    return JsonResponse({"tileMatrixSets": [
        {"id": tms_id, "title": build()["title"],
         "uri": build()["uri"],
         "links": [{"rel": "self", "type": "application/json",
                    "title": _("Tile matrix set %(id)s") % {"id": tms_id},
                    "href": tile_matrix_set_href(request, tms_id)}]}
        for tms_id, build in DEFINITIONS.items()
    ]}, json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "HEAD"])
@views.gated
def tile_matrix_set(request: HttpRequest, tms_id: str) -> HttpResponse:
    if tms_id not in DEFINITIONS:
        return views.ogc_error(404, "NotFound", _("No such tile matrix set."))
    return JsonResponse(DEFINITIONS[tms_id](), json_dumps_params={"ensure_ascii": False})
