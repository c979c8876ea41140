"""JSON endpoints of the map's identify panel (layers.identify builds the content)."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.gis.geos import Point
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cbs.http import BIGINT_MAX, BadInput, digits

from .identify import feature_identify, features_at, hits_json, label_points
from .map_config import visible_names
from .registry import get_layer

MAX_TOLERANCE_M = 200
MAX_LAYERS = 40


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _float(raw: str | None, name: str, low: float, high: float) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise BadInput(_("%(name)s must be a number between %(low)s and %(high)s.")
                       % {"name": name, "low": low, "high": high})
    return value


def _layers(raw: str | None, visible: frozenset[str]) -> list:
    names = [n for n in (raw or "").split(",") if n][:MAX_LAYERS]
    if not names:
        raise BadInput(_("Name at least one layer."))
    layers = []
    for name in dict.fromkeys(names):
        if name not in visible:  # unknown and hidden layers answer alike
            raise BadInput(_("No such layer."))
        layers.append(get_layer(name))
    return layers


@require_GET
def identify(request: HttpRequest) -> JsonResponse:
    """/map/identify?lon=…&lat=…&tol=<metres>&layers=a,b: the features under a click, among the
    layers the caller may see."""
    try:
        lon = _float(request.GET.get("lon"), "lon", -180, 180)
        lat = _float(request.GET.get("lat"), "lat", -90, 90)
        tolerance = _float(request.GET.get("tol", "5"), "tol", 0, MAX_TOLERANCE_M)
        layers = _layers(request.GET.get("layers"), visible_names(request))
    except BadInput as exc:
        return _json({"detail": str(exc)}, status=400)
    point = Point(lon, lat, srid=4326).transform(settings.CBS_SRID, clone=True)
    return _json({"hits": hits_json(features_at(layers=layers, point=point, tolerance_m=tolerance))})


@require_GET
def feature_info(request: HttpRequest, layer: str, tucbs_no: str) -> JsonResponse:
    """/map/identify/<layer>/<id>: one feature with labels, address, measures and actions."""
    number = digits(tucbs_no, BIGINT_MAX)
    if layer not in visible_names(request) or number is None:
        return _json({"detail": _("No such feature.")}, status=404)
    data = feature_identify(layer=get_layer(layer), tucbs_no=number, user=request.user)
    if data is None:
        return _json({"detail": _("No such feature.")}, status=404)
    return _json(data)


@require_GET
def labels(request: HttpRequest, layer: str) -> HttpResponse:
    """/map/labels/<layer>?bbox=w,s,e,n: label points of an area layer the caller may see."""
    if layer not in visible_names(request):
        return _json({"detail": _("No such layer.")}, status=404)
    layer_cls = get_layer(layer)
    if not layer_cls.map_label_field or "Polygon" not in layer_cls.geometry_type():
        return _json({"detail": _("This layer has no area labels.")}, status=404)
    bbox = None
    if request.GET.get("bbox"):
        parts = request.GET["bbox"].split(",")
        try:
            if len(parts) != 4:
                raise BadInput(_("bbox must be four numbers: west,south,east,north."))
            bbox = (_float(parts[0], "bbox", -180, 180), _float(parts[1], "bbox", -90, 90),
                    _float(parts[2], "bbox", -180, 180), _float(parts[3], "bbox", -90, 90))
        except BadInput as exc:
            return _json({"detail": str(exc)}, status=400)
    return HttpResponse(label_points(layer=layer_cls, bbox=bbox), content_type="application/geo+json")
