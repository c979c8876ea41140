"""The JSON configuration of every map of the site (read by cbs/static/cbs/js/kentmap.js).

One function builds it from the registry (layers, their looks and labels from layers.styles),
the base maps an administrator configured and the caller's rights, so the main map, the ticket
maps, the history map and the asset maps show the same layers the same way."""

from __future__ import annotations

import warnings
from functools import cache
from urllib.parse import urlsplit

import pyproj
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cbs.accounts.selectors import layer_resource, user_can
from ogc.gate import Caller, visible_collections

from .models import BaseMap
from .registry import THEMES, all_layers
from .styles import BASE_MAP_BACKGROUND, base_map_of, scale_label, style_of

OWN_BASE_MAP = "kent"   # the municipality's own labelled base map (vector tiles, works offline)
NO_BASE_MAP = "none"


def visible_names(request: HttpRequest) -> frozenset[str]:
    """Names of the layers the caller may see (the OGC gate decides, as for tiles and items)."""
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    return visible_collections(caller)


@cache
def _proj4(srid: int) -> str:
    with warnings.catch_warnings():  # a TM zone is fully described by its PROJ string
        warnings.simplefilter("ignore", UserWarning)
        return pyproj.CRS.from_epsg(srid).to_proj4()


def _tiles(name: str) -> str:
    return f"/ogc/collections/{name}/tiles/WebMercatorQuad/{{z}}/{{y}}/{{x}}"


def base_maps() -> list[dict]:
    """The switcher's entries: our own base map, the configured ones, and none."""
    configured = [b.as_json() for b in BaseMap.objects.filter(enabled=True)]
    if settings.CBS_BASEMAP_URL:  # the older single-URL setting stays an XYZ entry
        configured.append({"id": "basemap-env", "name": _("Base map (server setting)"), "kind": "xyz",
                           "url": settings.CBS_BASEMAP_URL, "attribution": "", "layers": "",
                           "format": "image/png", "matrixSet": "", "minZoom": 0, "maxZoom": 20,
                           "default": False})
    has_default = any(b["default"] for b in configured)
    return [
        {"id": OWN_BASE_MAP, "kind": OWN_BASE_MAP, "name": _("City base map (offline)"),
         "default": not has_default},
        *configured,
        {"id": NO_BASE_MAP, "kind": NO_BASE_MAP, "name": pgettext("base map", "None"), "default": False},
    ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def map_config(request: HttpRequest) -> dict:
    """Layers by theme (only those this user may see) with their looks, base maps, CRSs, extent,
    the URLs the map calls and the few texts its script writes. The page's Content-Security-Policy
    then admits images from the configured base maps' hosts (cbs.middleware)."""
    visible = visible_names(request)
    basemaps = base_maps()
    request.cbs_img_origins = sorted({_origin(b["url"]) for b in basemaps if b.get("url")})
    bbox = settings.CBS_MAP_BBOX
    latitude = (bbox[1] + bbox[3]) / 2
    shown = [layer for layer in all_layers() if layer.name in visible]
    themes = []
    for code, title in THEMES.items():
        layers = []
        for layer in shown:
            if layer.theme != code:
                continue
            style = style_of(layer)
            layers.append({
                "name": layer.name, "title": str(layer.title), "geometry": layer.geometry_type(),
                "color": layer.map_color, "minZoom": layer.map_min_zoom, "visible": layer.map_visible,
                "editable": user_can(request.user, layer_resource(layer), "edit"),
                "tiles": _tiles(layer.name), "style": style.as_json(),
                "minScale": scale_label(layer.map_min_zoom, latitude),
            })
        if layers:
            themes.append({"code": code, "title": str(title), "layers": layers})
    srid = settings.CBS_SRID
    return {
        "themes": themes,
        "bbox": bbox,
        "tm": {"code": f"EPSG:{srid}", "proj4": _proj4(srid)},
        "basemaps": basemaps,
        "baseLayers": [dict(look, tiles=_tiles(look["layer"])) for look in base_map_of(shown)],
        "background": BASE_MAP_BACKGROUND,
        "basemap": settings.CBS_BASEMAP_URL,
        "searchUrl": reverse("search"),
        "identifyUrl": reverse("layers:identify"),
        "labelsUrl": reverse("layers:labels", args=["LAYER"]),
        "featureInfoUrl": reverse("layers:feature_info", args=["LAYER", 0]).replace("/0", "/ID"),
        "formUrl": reverse("layers:feature_form", args=["LAYER"]),
        "itemsUrl": "/ogc/collections/LAYER/items",
        "historyUrl": reverse("layers:feature_history", args=["LAYER", 0]).replace("/0/", "/ID/"),
        "text": {
            "baseMap": _("Base map"),
            "scaleHint": _("visible from %(scale)s closer in"),
            "here": _("%(count)s features here – choose one:"),
            "alsoHere": _("Also here:"),
            "loading": _("Loading…"),
            "failed": _("The feature could not be read."),
            "members": _("%(count)s tickets at this place:"),
            "legend": _("Legend"),
            "close": _("Close"),
        },
    }
