"""JSON endpoints of the field app: its configuration (layers, forms, areas, a fresh CSRF token),
feature versions of an area, and the sync of queued changes and photos.

Every refusal is a translated 4xx as JSON (the device shows its `description`)."""

from __future__ import annotations

import json
import uuid
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cbs.http import BIGINT_MAX, INTEGER_MAX
from layers.registry import Layer, get_layer
from ogc.params import BadParameter, parse_lonlat_bbox

from .models import FieldOperation
from .selectors import (
    current_feature,
    feature_versions,
    field_forms,
    field_layers,
    layer_can_edit,
    neighbourhood_boxes,
)
from .services import DeviceChange, FieldConflict, field_change_apply, field_photo_store

# Base map zooms stored for an area (below 13 a street is a line; 18 shows door numbers).
TILE_ZOOMS = (13, 18)


class Refused(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.extra = status, extra


def _json(body: dict, status: int = HTTPStatus.OK) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _refusal(status: int, message: str, **extra) -> JsonResponse:
    return _json({"description": message, **extra}, status)


def _api(view):
    """Logged-in staff only (401 JSON, not a login redirect: the caller is a script); refusals
    of every kind become their 4xx."""
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return _refusal(HTTPStatus.UNAUTHORIZED, _("Log in again to sync."))
        try:
            return view(request, *args, **kwargs)
        except Refused as exc:
            return _refusal(exc.status, str(exc), **exc.extra)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return _refusal(HTTPStatus.BAD_REQUEST, " ".join(m for ms in errors.values() for m in ms),
                            errors=errors)
        except PermissionDenied as exc:
            return _refusal(HTTPStatus.FORBIDDEN, str(exc) or _("Not allowed."))
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return never_cache(wrapped)


def _layer(request: HttpRequest, name) -> type[Layer]:
    """A layer the caller may see (others do not exist for them, as in the OGC API)."""
    if not isinstance(name, str) or name not in {layer.name for layer in field_layers(request.user)}:
        raise Refused(HTTPStatus.NOT_FOUND, _("No such layer."))
    return get_layer(name)


@require_GET
@_api
def config(request: HttpRequest) -> JsonResponse:
    """What the device stores when it prepares an area (and refreshes before each sync)."""
    user = request.user
    layers = [{"name": layer.name, "title": str(layer.title), "geometry": layer.geometry_type(),
               "color": layer.map_color, "minZoom": layer.map_min_zoom, "base": layer.map_visible,
               "editable": layer_can_edit(user, layer)} for layer in field_layers(user)]
    return _json({"user": user.get_username(), "csrf": get_token(request), "layers": layers,
                  "forms": field_forms(user), "areas": neighbourhood_boxes(),
                  "bbox": settings.CBS_MAP_BBOX, "zooms": list(TILE_ZOOMS),
                  "maxItems": settings.CBS_OGC_MAX_ITEMS})


@require_GET
@_api
def tiles(request: HttpRequest) -> JsonResponse:
    """/saha/api/tiles?layer=…&z=…&bbox=w,s,e,n: the layer's vector tiles over the area at one zoom
    (base64 MVT, "" for an empty tile), for the device's tile cache."""
    from .tiles import MAX_TILES_PER_REQUEST, area_tiles, tile_count

    layer = _layer(request, request.GET.get("layer"))
    z = request.GET.get("z", "")
    if not (z.isascii() and z.isdigit() and TILE_ZOOMS[0] <= int(z) <= TILE_ZOOMS[1]):
        raise Refused(HTTPStatus.BAD_REQUEST, _("z must be a zoom from %(low)d to %(high)d.")
                      % {"low": TILE_ZOOMS[0], "high": TILE_ZOOMS[1]})
    try:
        bbox = parse_lonlat_bbox(request.GET.get("bbox", ""))
    except BadParameter as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from None
    if tile_count(bbox, int(z)) > MAX_TILES_PER_REQUEST:
        raise Refused(HTTPStatus.BAD_REQUEST, _("The area is too large for one request; choose a smaller one."))
    return _json({"layer": layer.name, "z": int(z), **area_tiles(layer, bbox, int(z))})


@require_GET
@_api
def versions(request: HttpRequest) -> JsonResponse:
    """/saha/api/versions?layer=…&bbox=w,s,e,n: tucbsNo -> version (the ETag the OGC API sends)."""
    layer = _layer(request, request.GET.get("layer"))
    try:
        bbox = parse_lonlat_bbox(request.GET.get("bbox", ""))
    except BadParameter as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from None
    return _json({"layer": layer.name, "versions": feature_versions(layer, bbox)})


def _uuid(raw, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError, AttributeError):
        raise Refused(HTTPStatus.BAD_REQUEST, _("%(name)s must be a UUID.") % {"name": name}) from None


def _whole(raw, name: str, maximum: int) -> int:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 19:
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= maximum:
        raise Refused(HTTPStatus.BAD_REQUEST, _("%(name)s must be a whole number.") % {"name": name})
    return raw


def _device_change(request: HttpRequest) -> DeviceChange:
    if request.content_type != "application/json":  # a form body was parsed already: no raw body left
        raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, _("Send the change as JSON."))
    if len(request.body) > settings.CBS_MAX_BODY_BYTES:
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("The request body is too large."))
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Refused(HTTPStatus.BAD_REQUEST, _("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, _("The body must be a JSON object."))
    operation = body.get("operation")
    if operation not in FieldOperation.values:
        raise Refused(HTTPStatus.BAD_REQUEST, _("operation must be create or update."))
    properties = body.get("properties") or {}
    geometry = body.get("geometry")
    if not isinstance(properties, dict) or (geometry is not None and not isinstance(geometry, dict)):
        raise Refused(HTTPStatus.BAD_REQUEST, _("properties and geometry must be JSON objects."))
    properties = {k: v for k, v in properties.items() if k != "tucbsNo"}  # the server numbers features
    if geometry is not None:  # GeoJSON in CRS84 (a crs member of the device's is not trusted)
        coordinates = geometry.get("coordinates")
        if not isinstance(coordinates, list) or not coordinates:  # GDAL would read "a" as an empty point
            raise Refused(HTTPStatus.BAD_REQUEST, _("The geometry is not GeoJSON."))
        geometry = {"type": geometry.get("type"), "coordinates": coordinates}
    try:
        made_at = parse_datetime(body["madeAt"]) if isinstance(body.get("madeAt"), str) else None
    except ValueError:  # well formed but no such moment (e.g. 25:00)
        made_at = None
    change = DeviceChange(id=_uuid(body.get("id"), "id"), layer=_layer(request, body.get("layer")),
                          operation=operation, properties=properties, geometry=geometry, made_at=made_at)
    if operation == FieldOperation.CREATE:
        if geometry is None:
            raise Refused(HTTPStatus.BAD_REQUEST, _("A new feature needs a position."))
        return change
    return DeviceChange(**{**change.__dict__, "tucbs_no": _whole(body.get("tucbsNo"), "tucbsNo", BIGINT_MAX),
                           "base_version": _whole(body.get("baseVersion"), "baseVersion", INTEGER_MAX)})


@require_POST
@_api
def changes(request: HttpRequest) -> JsonResponse:
    """Apply one queued change (once per id). 201/200 with the stored feature; 409 with the
    server's feature when it changed after the device read it."""
    change = _device_change(request)
    try:
        applied = field_change_apply(user=request.user, change=change)
    except FieldConflict as exc:
        raise Refused(HTTPStatus.CONFLICT, str(exc), currentVersion=exc.current_version,
                      server=current_feature(change.layer.name, change.tucbs_no)) from None
    record = applied.record
    status = HTTPStatus.CREATED if record.operation == FieldOperation.CREATE and not applied.replayed \
        else HTTPStatus.OK
    return _json({"id": str(record.id), "tucbsNo": record.tucbs_no, "version": record.version,
                  "replayed": applied.replayed,
                  "feature": current_feature(record.layer, record.tucbs_no)}, status)


@require_POST
@_api
def photos(request: HttpRequest) -> JsonResponse:
    """Store one photo (multipart: id, layer, tucbsNo, change, file) with its feature, once per id."""
    upload = request.FILES.get("file")
    if upload is None:
        raise Refused(HTTPStatus.BAD_REQUEST, _("Choose a photo."))
    layer = _layer(request, request.POST.get("layer"))
    change = request.POST.get("change")
    photo, stored_before = field_photo_store(
        user=request.user, photo_id=_uuid(request.POST.get("id"), "id"), layer=layer,
        tucbs_no=_whole(request.POST.get("tucbsNo"), "tucbsNo", BIGINT_MAX), upload=upload,
        change_id=_uuid(change, "change") if change else None)
    return _json({"id": str(photo.id), "size": photo.size, "replayed": stored_before},
                 HTTPStatus.OK if stored_before else HTTPStatus.CREATED)
