"""The attribute table's JSON endpoints: a page of a layer's features (GET) and attribute edits
of one or more features (POST, through layers.services). Same visibility as the map and the OGC
gate; editing needs the layer's edit grant (and the services check the editing area)."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http.request import RawPostDataException
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cbs.accounts.selectors import layer_resource, user_can
from cbs.http import BIGINT_MAX, INTEGER_MAX, BadInput, digits, int_param
from ogc.gate import Caller, visible_collections

from .registry import get_layer
from .services import AttributeChange, BatchConflict, features_update_attributes
from .table import MAX_LIMIT, Filter, check_edit_values, table_columns, table_page

MAX_IDS = 5000  # a selection sent back (export, "selected only")
MAX_CHANGES = 1000  # features changed by one bulk edit


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(message: str, status: int, **extra) -> JsonResponse:
    return _json({"detail": message, **extra}, status)


def id_list(raw: str) -> list[int]:
    """'1,2,3' -> [1, 2, 3] (tucbsNo values); BadInput for anything else."""
    parts = [p for p in raw.split(",") if p] if raw else []
    if len(parts) > MAX_IDS:
        raise BadInput(_("Select at most %(max)d features.") % {"max": MAX_IDS})
    ids = [digits(p.strip(), maximum=BIGINT_MAX) for p in parts]
    if any(i is None for i in ids):
        raise BadInput(_("ids must be feature numbers separated by commas."))
    return ids


def _visible_layer(request: HttpRequest, name: str):
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    if name not in visible_collections(caller):
        return None
    return get_layer(name)


def _filters(params) -> list[Filter]:
    """f=<attribute>:<operator>:<value>, repeated (all must hold)."""
    found = []
    for raw in params.getlist("f")[:20]:
        name, _sep, rest = raw.partition(":")
        op, _sep, value = rest.partition(":")
        found.append(Filter(name, op, value))
    return found


@require_GET
def table_view(request: HttpRequest, layer: str) -> JsonResponse:
    """GET /map/table/<layer>/?sort=&order=asc|desc&f=…&bbox=w,s,e,n&mahalle=&ids=&offset=&limit="""
    from ogc.params import BadParameter, parse_lonlat_bbox

    target = _visible_layer(request, layer)
    if target is None:
        return _error(_("No such layer."), 404)
    params = request.GET
    try:
        bbox = parse_lonlat_bbox(params["bbox"]) if params.get("bbox") else None
    except BadParameter as exc:
        return _error(str(exc), 400)
    mahalle = int_param(params["mahalle"], "mahalle", high=BIGINT_MAX) if params.get("mahalle") else None
    order = params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise BadInput(_("order must be asc or desc."))
    try:
        page = table_page(
            layer=target, filters=_filters(params), bbox=bbox, mahalle=mahalle,
            ids=id_list(params["ids"]) if "ids" in params else None,
            sort=params.get("sort") or None, descending=order == "desc",
            offset=int_param(params.get("offset", "0"), "offset", high=INTEGER_MAX),
            limit=int_param(params.get("limit", "100"), "limit", low=1, high=MAX_LIMIT))
    except ValidationError as exc:
        return _error(" ".join(exc.messages), 400)
    page["layer"] = target.name
    page["editable"] = user_can(request.user, layer_resource(target), "edit")
    if params.get("meta"):
        from .models import Mahalle

        page["columns"] = table_columns(target)
        page["mahalleler"] = list(Mahalle.objects.order_by("adi").values_list("tucbs_no", "adi"))
    return _json(page)


def _changes(body) -> list[AttributeChange]:
    """{"changes": [{"id": tucbsNo, "version": n, "properties": {...}}, …]} as read from JSON."""
    items = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise BadInput(_("Send the changes as a list."))
    if len(items) > MAX_CHANGES:
        raise BadInput(_("Change at most %(max)d features at once.") % {"max": MAX_CHANGES})
    changes = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("properties"), dict):
            raise BadInput(_("Each change needs the feature's id, version and properties."))
        number, version = item.get("id"), item.get("version")
        if (not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= BIGINT_MAX
                or not isinstance(version, int) or isinstance(version, bool) or not 0 < version <= INTEGER_MAX):
            raise BadInput(_("Each change needs the feature's id, version and properties."))
        changes.append(AttributeChange(number, version, item["properties"]))
    return changes


@require_POST
def table_edit(request: HttpRequest, layer: str) -> JsonResponse:
    """POST /map/table/<layer>/edit: attribute changes of one or more features, all or none."""
    target = _visible_layer(request, layer)
    if target is None:
        return _error(_("No such layer."), 404)
    if not request.user.is_authenticated or not user_can(request.user, layer_resource(target), "edit"):
        return _error(_("You may not edit the layer %(layer)s.") % {"layer": target.title}, 403)
    if request.content_type != "application/json":  # a form's body was already read as a form
        return _error(_("The request body is not valid JSON."), 400)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RawPostDataException):
        return _error(_("The request body is not valid JSON."), 400)
    changes = _changes(body)
    editable = {c["name"] for c in table_columns(target) if c["editable"]}
    for change in changes:
        unknown = sorted(set(change.properties) - editable)
        if unknown:
            return _error(_("These attributes cannot be edited in the table: %(names)s.")
                          % {"names": ", ".join(n[:60] for n in unknown[:10])}, 400)
        try:
            check_edit_values(target, change.properties)
        except ValidationError as exc:
            return _error(_("Nothing was saved. %(problems)s") % {"problems": " ".join(exc.messages)}, 400)
    try:
        written = features_update_attributes(layer=target, changes=changes, user=request.user,
                                             reason=_("Attribute table"))
    except BatchConflict as exc:
        return _error(str(exc), 412, conflicts=exc.conflicts)
    except PermissionDenied as exc:
        return _error(str(exc) or _("You may not edit this feature."), 403)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        text = " ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in errors.items())
        return _error(_("Nothing was saved. %(problems)s") % {"problems": text}, 400, errors=errors)
    page = table_page(layer=target, ids=[f.tucbs_no for f in written], limit=MAX_LIMIT)
    return _json({"detail": _("%(count)d features saved; each has a new version in its history.")
                  % {"count": len(written)} if len(written) != 1 else
                  _("The feature was saved; it has a new version in its history."),
                  "rows": page["rows"]})
