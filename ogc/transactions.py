"""OGC API – Features Part 4 (create, replace, update, delete) over the layer services.

pygeoapi stays read-only; writes come here. Staff only (session with CSRF, or a staff API
token without), with the same validation, permission checks and audit as the browser editor.
Optimistic locking: GET answers a strong ETag, writes need If-Match (428 without, 412 stale).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from cbs.accounts.selectors import layer_resource, user_can
from layers.registry import Layer, get_layer
from layers.services import (
    FeatureInput,
    VersionConflict,
    feature_create,
    feature_delete,
    feature_update,
)

from . import views
from .records import CATALOGUE
from .crs import CRS84, axis_swapped, srid_of, swap_axes

READ = ["GET", "HEAD", "OPTIONS"]


def etag(version: int) -> str:
    return f'"v{version}"'


def _error(status: int, code: str, description: str, **extra) -> JsonResponse:
    body = {"code": code, "type": code, "description": description, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _can_write(request: HttpRequest, layer: type[Layer]) -> bool:
    caller = request.cbs_caller
    return caller.kind == "staff" and user_can(caller.user, layer_resource(layer), "edit")


def _refuse_write(request: HttpRequest, layer: type[Layer]) -> HttpResponse | None:
    """401/403 unless a member of staff with edit rights; CSRF for cookie sessions."""
    caller = request.cbs_caller
    if caller.kind == "anonymous":
        response = _error(HTTPStatus.UNAUTHORIZED, "NotAuthorized", _("Log in or send a staff API token."))
        response["WWW-Authenticate"] = 'Bearer realm="Kent CBS OGC API"'
        return response
    if caller.kind != "staff" or not _can_write(request, layer):
        return _error(HTTPStatus.FORBIDDEN, "Forbidden", _("You may not edit this collection."))
    if caller.token is None:  # cookie session: same CSRF rule as every form of the site
        rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
        if rejected is not None:
            return _error(HTTPStatus.FORBIDDEN, "Forbidden", _("CSRF check failed."))
    return None


def _allow(request: HttpRequest, layer: type[Layer], item: bool) -> str:
    writes = (["PUT", "PATCH", "DELETE"] if item else ["POST"]) if _can_write(request, layer) else []
    return ", ".join(READ + writes)


def _feature_body(request: HttpRequest) -> tuple[dict, str]:
    """The request's GeoJSON Feature and the CRS URI of its coordinates."""
    if len(request.body) > settings.CBS_MAX_BODY_BYTES:
        raise _BodyProblem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("The request body is too large."))
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise _BodyProblem(HTTPStatus.BAD_REQUEST, _("The body is not valid JSON.")) from None
    if not isinstance(body, dict) or body.get("type") != "Feature":
        raise _BodyProblem(HTTPStatus.BAD_REQUEST, _("The body must be a GeoJSON Feature."))
    crs = request.headers.get("Content-Crs", "").strip("<> ") or CRS84
    if srid_of(crs) is None:
        raise _BodyProblem(HTTPStatus.BAD_REQUEST,
                           _("Unsupported Content-Crs %(crs)s.") % {"crs": crs})
    return body, crs


class _BodyProblem(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _geometry(body: dict, crs: str) -> dict | None:
    """GeoJSON geometry tagged with its SRID, in x/y order (Content-Crs may be northing first)."""
    geometry = body.get("geometry")
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or "coordinates" not in geometry:
        raise _BodyProblem(HTTPStatus.BAD_REQUEST, _("The geometry is not GeoJSON."))
    geometry = dict(geometry)
    if axis_swapped(crs):
        geometry["coordinates"] = swap_axes(geometry["coordinates"])
    geometry["crs"] = {"type": "name", "properties": {"name": f"EPSG:{srid_of(crs)}"}}
    return geometry


def _properties(body: dict) -> dict:
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise _BodyProblem(HTTPStatus.BAD_REQUEST, _("properties must be a JSON object."))
    return props


def _validation_error(exc: ValidationError) -> JsonResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                  " ".join(m for ms in errors.values() for m in ms), errors=errors)


def _expected_version(request: HttpRequest) -> int | HttpResponse:
    header = request.headers.get("If-Match")
    if not header:
        return _error(HTTPStatus.PRECONDITION_REQUIRED, "PreconditionRequired",
                      _("Send If-Match with the ETag you read, so no one's change is overwritten."))
    value = header.strip().removeprefix("W/").strip('"')
    if not value.startswith("v") or not (value[1:].isascii() and value[1:].isdigit()) or len(value) > 11:
        return _error(HTTPStatus.PRECONDITION_FAILED, "PreconditionFailed", _("Malformed If-Match."))
    return int(value[1:])


def _write(request: HttpRequest, layer: type[Layer], action) -> HttpResponse:
    """Run one write, mapping every refusal to a clear 4xx."""
    try:
        return action()
    except _BodyProblem as exc:
        return _error(exc.status, "InvalidParameterValue", str(exc))
    except VersionConflict as exc:
        response = _error(HTTPStatus.PRECONDITION_FAILED, "PreconditionFailed", str(exc),
                          currentVersion=exc.current)
        if exc.current:
            response["ETag"] = etag(exc.current)
        return response
    except ValidationError as exc:
        return _validation_error(exc)
    except PermissionDenied as exc:
        return _error(HTTPStatus.FORBIDDEN, "Forbidden", str(exc) or _("Not allowed."))


def _created(request: HttpRequest, layer: type[Layer], instance, status=HTTPStatus.CREATED) -> HttpResponse:
    location = f"{views._base_url(request)}/collections/{layer.name}/items/{instance.tucbs_no}"
    response = JsonResponse({"id": instance.tucbs_no, "version": instance.version,
                             "warnings": getattr(instance, "topology_warnings", [])},
                            status=status, json_dumps_params={"ensure_ascii": False})
    response["Location"] = location
    response["ETag"] = etag(instance.version)
    return response


def _read_only() -> HttpResponse:
    response = _error(HTTPStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", _("The catalogue is read-only."))
    response["Allow"] = "GET, HEAD"
    return response


@csrf_exempt  # enforced in _refuse_write for cookie sessions only
@views.gated
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    if collection_id == CATALOGUE:
        return views.read_items(request, collection_id) if request.method in ("GET", "HEAD") else _read_only()
    if collection_id not in request.cbs_visible:
        return views.not_found()
    layer = get_layer(collection_id)
    if request.method in ("GET", "HEAD"):
        return views.read_items(request, collection_id)
    if request.method == "OPTIONS":
        response = HttpResponse(status=HTTPStatus.NO_CONTENT)
        response["Allow"] = _allow(request, layer, item=False)
        return response
    if request.method != "POST":
        return _method_not_allowed(request, layer, item=False)
    refused = _refuse_write(request, layer)
    if refused is not None:
        return refused

    def create():
        body, crs = _feature_body(request)
        instance = feature_create(layer=layer, user=request.cbs_caller.user, feature=FeatureInput(
            properties=_properties(body), geometry=_geometry(body, crs)))
        return _created(request, layer, instance)
    return _write(request, layer, create)


@csrf_exempt
@views.gated
def item(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    if collection_id == CATALOGUE:
        return views.read_item(request, collection_id, item_id) if request.method in ("GET", "HEAD") \
            else _read_only()
    if collection_id not in request.cbs_visible:
        return views.not_found()
    layer = get_layer(collection_id)
    numeric = item_id.isascii() and item_id.isdigit() and len(item_id) <= 18  # bigint range
    instance = layer.model.objects.filter(tucbs_no=int(item_id)).first() if numeric else None
    if request.method in ("GET", "HEAD"):
        response = views.read_item(request, collection_id, item_id)
        if instance is not None and response.status_code == HTTPStatus.OK:
            response["ETag"] = etag(instance.version)
        return response
    if request.method == "OPTIONS":
        response = HttpResponse(status=HTTPStatus.NO_CONTENT)
        response["Allow"] = _allow(request, layer, item=True)
        return response
    if request.method not in ("PUT", "PATCH", "DELETE"):
        return _method_not_allowed(request, layer, item=True)
    refused = _refuse_write(request, layer)
    if refused is not None:
        return refused
    if instance is None:
        return _error(HTTPStatus.NOT_FOUND, "NotFound", _("Feature not found."))
    expected = _expected_version(request)
    if isinstance(expected, HttpResponse):
        return expected
    user = request.cbs_caller.user

    def replace_or_patch():
        body, crs = _feature_body(request)
        props = _properties(body)
        if request.method == "PUT":
            if body.get("geometry") is None:
                raise _BodyProblem(HTTPStatus.BAD_REQUEST, _("PUT replaces the whole feature: "
                                                             "send its geometry."))
            # Replacement: every published attribute not sent becomes empty.
            props = {name: props.get(name) for name in layer.properties() if name != "tucbsNo"}
        props = {k: v for k, v in props.items() if k != "tucbsNo"}
        updated = feature_update(layer=layer, instance=instance, properties=props,
                                 geometry=_geometry(body, crs), user=user, expected_version=expected)
        return _created(request, layer, updated, status=HTTPStatus.OK)

    def delete():
        feature_delete(layer=layer, instance=instance, user=user, expected_version=expected)
        return HttpResponse(status=HTTPStatus.NO_CONTENT)

    return _write(request, layer, delete if request.method == "DELETE" else replace_or_patch)


def _method_not_allowed(request: HttpRequest, layer: type[Layer], item: bool) -> HttpResponse:
    response = _error(HTTPStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", _("Method not allowed."))
    response["Allow"] = _allow(request, layer, item=item)
    return response
