"""Adapter between Django and pygeoapi's core API functions (see pygeoapi/django_/views.py).

Differences from pygeoapi's own Django adapter: one API object is built lazily per visible
collection set and base URL (not per request); every route passes through the access gate;
parameters are validated first with translated messages; JSON item pages are assembled from
SQL-built GeoJSON; HTML pages get a CSP nonce for pygeoapi's inline scripts.
"""

from __future__ import annotations

import json
import re
import secrets
from copy import copy, deepcopy
from functools import lru_cache, wraps
from http import HTTPStatus
from urllib.parse import quote

import pygeoapi.api as core_api
import pygeoapi.api.itemtypes as itemtypes_api
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from pygeoapi import l10n
from pygeoapi.api import API, APIRequest
from pygeoapi.openapi import get_oas

from cbs import response_headers
from cbs.db import replica_scope
from cbs.partners.basic_auth import challenge
from cbs.partners.tokens import TokenRejected
from layers.registry import get_layer
from layers.state import layer_state

from . import conformance as conformance_
from . import context, cql, html_errors, params
from .config import cached_config
from .formatters import GeoPackageFormatter
from .gate import resolve_caller, visible_collections
from .link_titles import translate_html_link_titles, translate_link_titles
from .catalogue import check_search
from .records import CATALOGUE, catalogue_resource

SCRIPT_TAG = re.compile(r"<script(?=[\s>])")
# Formats of a layer's items besides JSON and HTML: pygeoapi's CSV plugin (text neutralised
# against formulas, ogc.formatters), our GeoPackage.
ITEM_FORMATS = ("csv", GeoPackageFormatter.F)


def gated(view):
    """Resolve the caller once per request; refused tokens get 401/403/429 with the reason."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            caller = resolve_caller(request)
        except TokenRejected as exc:
            response = ogc_error(exc.status, "NotAuthorized" if exc.status == 401 else "Forbidden",
                                 str(exc))
            if exc.status == 401:
                response["WWW-Authenticate"] = challenge(request)
            if exc.retry_after is not None:
                response["Retry-After"] = str(exc.retry_after)
            return response
        request.cbs_caller = caller
        # Read from the database once per request: what every host agrees on (layers.state).
        request.cbs_state = layer_state()
        request.cbs_visible = visible_collections(caller, request.cbs_state)
        # Who may see what was decided on the primary; the data may come from the read replica
        # if it has replayed that same state (cbs.db), reads only.
        with replica_scope(request):
            response = html_errors.as_page(request, view(request, *args, **kwargs))
        return per_caller(response, caller)
    return wrapper


def per_caller(response: HttpResponse, caller) -> HttpResponse:
    """Answers differ per caller: shared caches must not mix them up."""
    response_headers.put(response, "Vary", "Authorization, X-API-Key, Cookie, Accept, Accept-Language")
    if caller.kind != "anonymous":
        response_headers.put(response, "Cache-Control", "private")
    return response


@lru_cache(maxsize=64)
def api_for(visible: frozenset[str], base_url: str, config_key: str) -> API:
    """One pygeoapi API per visible collection set: hidden collections simply do not exist.
    `config_key` (layers.state) changes with metadata, publication and imports on any host."""
    cfg = deepcopy(cached_config(visible, config_key))  # API() mutates its config
    cfg["server"]["url"] = base_url
    # The catalogue lists the same collections, with links on this base URL.
    extents = {name: r["extents"]["spatial"]["bbox"] for name, r in cfg["resources"].items()}
    cfg["resources"][CATALOGUE] = catalogue_resource(extents, base_url)
    for name, resource in cfg["resources"].items():
        # Our vector tiles (ogc/tiles.py) live beside pygeoapi: link them from each collection.
        resource["links"] = [{
            "type": "application/json", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
            "title": "Vector tiles (MVT)", "href": f"{base_url}/collections/{name}/tiles",
        }]
    return API(cfg, get_oas(cfg))


def _base_url(request: HttpRequest) -> str:
    return settings.CBS_OGC_BASE_URL or request.build_absolute_uri("/ogc").rstrip("/")


def ogc_error(status: int, code: str, description: str) -> JsonResponse:
    """An OGC API exception document (the shape pygeoapi uses)."""
    return JsonResponse(
        {"code": code, "type": code, "description": description},
        status=status, json_dumps_params={"ensure_ascii": False},
    )


def not_found() -> JsonResponse:
    return ogc_error(HTTPStatus.NOT_FOUND, "NotFound", _("Collection not found."))


def _to_response(headers: dict, status: int, content, nonce: str | None) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for key, value in headers.items():
        response[key] = value
    if nonce is not None and response.get("Content-Type", "").startswith("text/html"):
        response["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
        )
    return response


def execute(request: HttpRequest, api_function, *args, dataset: str | None = None,
            ctx: context.QueryContext | None = None, formats: tuple[str, ...] = ()) -> HttpResponse:
    """Run one pygeoapi core function behind the access gate."""
    visible = request.cbs_visible
    if dataset is not None and dataset not in visible and dataset != CATALOGUE:
        return not_found()
    api = api_for(visible, _base_url(request), request.cbs_state.config_key)
    ctx = ctx or context.QueryContext()
    api_request = APIRequest.from_django(request, api.locales)
    moved = [key for key in FILTER_PARAMS if key in request.GET] if ctx.filter is not None else []
    if ctx.bbox is not None and api_request.format in (None, "json"):
        moved += [key for key in BBOX_PARAMS if key in request.GET]
    if moved:
        # pygeoapi would re-parse the filter and re-project it and the bbox (~15 ms, in the
        # storage CRS's authority axis order) only for us to ignore them: the provider reads
        # the checked versions from the context; links get the parameters back.
        api_request = APIRequest.from_django(_without(request, moved), api.locales)
    _in_site_language(api_request, request, api)
    if not api_request.is_valid(formats):
        headers, status, content = api.get_format_exception(api_request)
        return _to_response(headers, status, content, None)
    ctx.raw_features = ctx.raw_features and api_request.format in (None, "json")
    token = context.current.set(ctx)
    try:
        headers, status, content = api_function(api, api_request, *args)
    finally:
        context.current.reset(token)
    if moved and status == HTTPStatus.OK and isinstance(content, str):
        content = _links_with(content, request, moved, headers.get("Content-Type", ""))
    if isinstance(content, str) and "json" in headers.get("Content-Type", ""):
        # before the features go in: the envelope only
        content = translate_link_titles(content, headers.get("Content-Language", ""))
    elif isinstance(content, str) and headers.get("Content-Type", "").startswith("text/html"):
        content = translate_html_link_titles(content, headers.get("Content-Language", ""))
    if ctx.splice is not None and status == HTTPStatus.OK and isinstance(content, str):
        placeholder, text = ctx.splice
        content = content.replace(placeholder, text, 1)
    nonce = None
    if isinstance(content, str) and headers.get("Content-Type", "").startswith("text/html"):
        nonce = secrets.token_urlsafe(16)
        content = SCRIPT_TAG.sub(f'<script nonce="{nonce}"', content)
    return _to_response(headers, status, content, nonce)


def _in_site_language(api_request: APIRequest, request: HttpRequest, api: API) -> None:
    """Without ?lang=, answer in the language the rest of the site uses for this request
    (the TR/EN choice, then Accept-Language, then Turkish) rather than pygeoapi's own guess
    from Accept-Language alone."""
    if l10n.QUERY_PARAM not in request.GET:
        language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        api_request._raw_locale = language
        api_request._locale = l10n.best_match([language], api.locales)


BBOX_PARAMS = ("bbox", "bbox-crs")
FILTER_PARAMS = ("filter", "filter-lang", "filter-crs")
ITEMS_HREF = re.compile(r'(href="[^"]*/items(?:\?[^"]*)?)"')


def _without(request: HttpRequest, keys: list[str]) -> HttpRequest:
    stripped = copy(request)
    stripped.GET = request.GET.copy()
    for key in keys:
        stripped.GET.pop(key, None)
    return stripped


def _links_with(content: str, request: HttpRequest, keys: list[str], content_type: str) -> str:
    """Put the moved parameters back into pygeoapi's item links (JSON links or HTML hrefs)."""
    extra = "".join(
        f"&{key}={quote(request.GET[key], safe=',' if key == 'bbox' else '')}" for key in keys
    )
    if content_type.startswith("text/html"):
        return ITEMS_HREF.sub(
            lambda m: m.group(1) + ("" if "?" in m.group(1) else "?")
            + escape(extra if "?" in m.group(1) else extra[1:]) + '"', content)
    if not content_type.startswith("application/") or "json" not in content_type:
        return content
    doc = json.loads(content)
    for link in doc.get("links", []):
        if "/items" in link.get("href", ""):
            link["href"] += extra
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _checked(request: HttpRequest, dataset: str, *, items: bool) -> context.QueryContext | JsonResponse:
    """Validate query parameters before pygeoapi sees them."""
    try:
        params.check_crs(request.GET)
        if not items:
            return context.QueryContext()
        layer = get_layer(dataset)
        params.check_paging(request.GET)
        params.check_property_names(request.GET, set(layer.properties()))
        bbox = params.parse_bbox(request.GET)
        checked_filter = cql.parse_filter(request.GET, layer)
    except params.BadParameter as exc:
        return ogc_error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue", str(exc))
    ctx = context.QueryContext(raw_features=True, filter=checked_filter)
    if bbox is not None:
        ctx.bbox, ctx.bbox_srid = bbox
    return ctx


@require_GET
@gated
def landing_page(request: HttpRequest) -> HttpResponse:
    return execute(request, core_api.landing_page)


@require_GET
@gated
def openapi(request: HttpRequest) -> HttpResponse:
    return execute(request, conformance_.openapi)  # self-contained (ogc/openapi_local.py)


@require_GET
@gated
def conformance(request: HttpRequest) -> HttpResponse:
    return execute(request, conformance_.conformance)  # with Tiles, Part 3 and 4 (ogc/conformance.py)


@require_GET
@gated
def collections(request: HttpRequest, collection_id: str | None = None) -> HttpResponse:
    if collection_id is None:
        return execute(request, core_api.describe_collections)
    return execute(request, core_api.describe_collections, collection_id, dataset=collection_id)


@require_GET
@gated
def collection_schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    return execute(request, core_api.get_collection_schema, collection_id, dataset=collection_id)


@require_GET
@gated
def collection_queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    if collection_id == CATALOGUE and "properties" in request.GET:
        # pygeoapi's catalogue provider lists `q` as a queryable it cannot describe (KeyError).
        request = copy(request)
        request.GET = request.GET.copy()
        request.GET.pop("properties")
    return execute(request, itemtypes_api.get_collection_queryables, collection_id,
                   dataset=collection_id)


DATETIME = re.compile(r"^(\.\.|\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?)(/(\.\.|\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?))?$")


def _catalogue(request: HttpRequest, api_function, *args) -> HttpResponse:
    """The catalogue through pygeoapi's TinyDB provider, after our parameter checks (that provider
    fails with exceptions on malformed values instead of answering 400; `q` is text, bounded)."""
    try:
        check_search(request.GET)
        params.check_crs(request.GET)
        params.check_paging(request.GET)
        params.parse_bbox(request.GET)
        if "datetime" in request.GET and not DATETIME.match(request.GET["datetime"]):
            raise params.BadParameter(_("datetime must be a date, a date and time, or an interval."))
        return execute(request, api_function, *args, dataset=CATALOGUE)
    except params.BadParameter as exc:
        return ogc_error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue", str(exc))
    except (ValueError, KeyError, TypeError):
        return ogc_error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue", _("Invalid query parameters."))


def read_items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """GET items (called by ogc.transactions.items, which has resolved the caller)."""
    if collection_id == CATALOGUE:  # pygeoapi's catalogue provider answers q, bbox, theme=…
        return _catalogue(request, itemtypes_api.get_collection_items, collection_id)
    if collection_id not in request.cbs_visible:
        return not_found()
    ctx = _checked(request, collection_id, items=True)
    if isinstance(ctx, JsonResponse):
        return ctx
    return conformance_.geojson_if_asked(request, execute(
        request, itemtypes_api.get_collection_items, collection_id, dataset=collection_id, ctx=ctx,
        formats=ITEM_FORMATS))


def read_item(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    """GET one item (called by ogc.transactions.item)."""
    if collection_id == CATALOGUE:
        if item_id not in request.cbs_visible:
            return not_found()
        return _catalogue(request, itemtypes_api.get_collection_item, collection_id, item_id)
    if collection_id not in request.cbs_visible:
        return not_found()
    ctx = _checked(request, collection_id, items=False)
    if isinstance(ctx, JsonResponse):
        return ctx
    ctx.raw_features = True
    return conformance_.geojson_if_asked(request, execute(
        request, itemtypes_api.get_collection_item, collection_id, item_id, dataset=collection_id,
        ctx=ctx))
