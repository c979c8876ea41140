"""The fast path of the OGC API's most common request: a public layer's items by bbox, limit,
offset and crs, as GeoJSON, asked anonymously.

It answers with the same bytes and headers as the generic path (pygeoapi's
`get_collection_items` through `ogc.views.execute`; only `timeStamp` differs, being the time of
the answer) – tests/ogc/test_fast_items.py compares them request by request – but in one
database round trip instead of three: the layer's publication state (read in the same snapshot,
so a withdrawn layer is never served), the page of features (the provider's SQL, rows in a
MATERIALIZED CTE) and the request's access record (inserted unsealed, as the access-log
middleware would) are one statement. The envelope is clipped to the storage CRS's area of use
with four comparisons instead of GEOS, and pygeoapi's generic request handling is not run.
bench/results: where the per-request time went before and after.

Anything else takes the generic path, which answers and records it: another parameter or
format, a token or a session cookie, a layer that is not public now, a read replica (reads
there, access records on the primary), a value the checks or PostgreSQL refuse.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from datetime import UTC, datetime
from functools import cache, lru_cache
from urllib.parse import quote

from django.conf import settings
from django.db import DataError, connection, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pygeoapi import __version__ as pygeoapi_version
from pygeoapi import l10n
from pygeoapi.api import SYSTEM_LOCALE
from pygeoapi.formats import F_HTML, F_JSON, F_JSONLD, FORMAT_TYPES
from pygeoapi.util import get_base_url, get_dataset_formatters

from cbs import prepared, response_headers
from cbs.audit.services import access_record_insert, access_record_values
from cbs.db import REPLICA
from layers.models import PublicationState
from layers.registry import Access, Layer, get_layer

from . import params, transactions, views
from .config import FORMATTERS, PROVIDER, server_languages, title_translations
from .crs import CRS84, storage_area_bounds
from .gate import Caller
from .link_titles import translate_link_titles
from .provider import feature_sql

PLAIN_PARAMETERS = frozenset({"bbox", "bbox-crs", "limit", "offset", "crs", "f"})
MATCHED_KEY = ',"numberMatched":'
MOVED = ("bbox", "bbox-crs")  # views.execute takes them from pygeoapi and puts them back in links


@csrf_exempt  # like transactions.items, which gets every request this path does not answer
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """The items route: the fast path when it applies, else the generic one."""
    response = answer(request, collection_id)
    return response if response is not None else transactions.items(request, collection_id)


def applies(request: HttpRequest) -> bool:
    """A plain anonymous GeoJSON items request, read on the primary."""
    meta = request.META
    if request.method != "GET" or REPLICA in connections.settings or not settings.CBS_OGC_FAST_ITEMS:
        return False
    if meta.get("HTTP_AUTHORIZATION") or meta.get("HTTP_X_API_KEY") \
            or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    for key, values in request.GET.lists():
        if key not in PLAIN_PARAMETERS or len(values) != 1:
            return False
    f = request.GET.get("f")
    if f is None:  # pygeoapi would pick a format from Accept
        return meta.get("HTTP_ACCEPT") in (None, "*/*")
    return f == F_JSON


def answer(request: HttpRequest, collection_id: str) -> HttpResponse | None:
    """The response, or None when the generic path must answer."""
    if not applies(request):
        return None
    layer = _public_layer(collection_id)
    if layer is None:
        return None
    # applies() let through no token header and no session cookie: the caller is anonymous,
    # known without building the session and the user (gate.resolve_caller's answer for such a
    # request, ~25 µs of a ~0.55 ms request). The Vary header names Cookie all the same (views.per_caller).
    caller = Caller("anonymous")
    query = request.GET.dict()  # one value per name (applies): a plain dict is cheaper to read
    try:
        params.check_crs(query)
        params.check_paging(query)
        bbox = params.parse_bbox(query)
    except params.BadParameter:
        return None
    limit = _limit(query.get("limit"))
    if limit is None:
        return None  # a form pygeoapi reads its own way ("010" is not a number to it): generic path
    offset = int(query.get("offset", 0))
    target_uri = query.get("crs") or CRS84
    page = Page(request, query, layer, limit, offset, bbox is not None)
    if bbox is None:
        return None  # unfiltered: numberMatched depends on the table's size (ogc.matched)
    rows = _rows_condition(layer, bbox)
    if rows is None:
        return None  # outside the storage CRS: the provider answers without numberMatched
    try:
        found = _run(request, layer, target_uri, rows, limit, offset, page)
    except DataError:
        return None
    if found is None:
        return None  # not public now: the generic path answers 404
    count, body, matched = found
    request.cbs_caller = caller
    request.cbs_access_recorded = True
    # As views._to_response builds it (the headers fixed per format, language and CRS).
    response = HttpResponse(page.content(count, body, matched))
    response_headers.put_all(response, _headers(page.format, page.language, page.crs_header(target_uri)))
    return views.per_caller(response, caller)


@cache
def _public_layer_names() -> frozenset[str]:
    from layers.registry import all_layers

    return frozenset(layer.name for layer in all_layers()
                     if not layer.sensitive and layer.access != Access.INTERNAL)


def _public_layer(name: str) -> type[Layer] | None:
    """The layer if it may be public at all (ogc.gate.public_layers: the state decides the rest)."""
    return get_layer(name) if name in _public_layer_names() else None


@cache
def _title(layer_name: str) -> dict[str, str]:
    return title_translations(get_layer(layer_name))


def _limit(raw: str | None) -> int | None:
    """The page size pygeoapi's evaluate_limit gives for a plain limit (ASCII digits, no leading
    zero; params.check_paging has kept it within 1..CBS_OGC_MAX_ITEMS) or none; None for any
    other form. pygeoapi reads "010" as text and refuses it, " 10" and "+10" as 10: the
    generic path answers those, as pygeoapi would."""
    if raw is None:
        return settings.CBS_OGC_DEFAULT_ITEMS
    if not (raw.isascii() and raw.isdigit()) or (len(raw) > 1 and raw[0] == "0"):
        return None
    return int(raw)


@cache
def _formatters() -> tuple[tuple[str, str, str], ...]:
    """(key, mimetype, name) of the item formatters pygeoapi links (the same for every layer)."""
    resource = {"providers": [{"type": "feature", "name": PROVIDER}], "formatters": FORMATTERS}
    return tuple((key, f.mimetype, f.name) for key, f in get_dataset_formatters(resource).items())


@cache
def _locales() -> tuple:
    return tuple(l10n.get_locales({"server": {"languages": server_languages()}}))


@lru_cache(maxsize=256)
def _feature_sql(layer_name: str, target_uri: str) -> str:
    layer = get_layer(layer_name)
    return feature_sql(layer, target_uri, list(layer.properties()), False)


@lru_cache(maxsize=64)
def _base(base_url: str) -> str:
    return get_base_url({"server": {"url": base_url}})


@cache
def _locale(language: str):
    """pygeoapi's locale for the site's language (views._in_site_language)."""
    return l10n.best_match([language], list(_locales()))


def _rows_condition(layer: type[Layer], bbox) -> tuple[str, dict[str, float]] | None:
    """The WHERE condition of the provider's row query and its parameters: the envelope,
    clipped to where the storage CRS is defined (two rectangles: their intersection is
    min/max), transformed to it. None when nothing can match (outside the storage CRS).
    The corners are bound, so that the statement's text is the same for every bbox of a layer
    (ogc.prepared: planned once per connection)."""
    (minx, miny, maxx, maxy), srid = bbox
    condition, (ax, ay, bx, by) = _envelope_condition(layer.name, srid)
    x0, y0, x1, y1 = max(minx, ax), max(miny, ay), min(maxx, bx), min(maxy, by)
    if x0 > x1 or y0 > y1:
        return None
    return condition, {"x0": float(x0), "y0": float(y0), "x1": float(x1), "y1": float(y1)}


@lru_cache(maxsize=256)
def _envelope_condition(layer_name: str, srid: int) -> tuple[str, tuple[float, float, float, float]]:
    """(the condition's text, the storage CRS's area of use in `srid`) for a layer and bbox CRS."""
    geometry = get_layer(layer_name).geometry()
    storage = geometry.srid
    geom = connection.ops.quote_name(geometry.column)
    envelope = f"ST_MakeEnvelope(%(x0)s::float8, %(y0)s::float8, %(x1)s::float8, %(y1)s::float8, {int(srid)})"
    if srid != storage:
        envelope = f"ST_Transform({envelope}, {int(storage)})"
    return f"{geom} && {envelope}", storage_area_bounds(storage, srid)


# The access record's columns that are the same for every request this path answers (an
# anonymous GET), written into the statement instead of bound: fewer values to send each time.
# Its time is the statement's own (the database's clock, as close to the answer as Python's).
RECORD_CONSTANTS = {"method": "'GET'", "user": "''", "institution": "''", "purpose": "''",
                    "time": "statement_timestamp()",
                    "day": "(statement_timestamp() AT TIME ZONE 'UTC')::date"}
RECORD_COMPUTED = (*RECORD_CONSTANTS, "status", "bytes")


def _literal(value: str) -> str:
    """A registry constant (a layer name, a state) as an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@lru_cache(maxsize=64)
def _statement(layer_name: str, target_uri: str, rows: str, relaxed: bool) -> str:
    """The fast path's one statement for a layer, output CRS and kind of envelope (`rows`, with
    the corners as %(x0)s … %(y1)s); every value that changes from request to request is a named
    parameter, so the text stays the same (cbs.prepared)."""
    layer = get_layer(layer_name)
    qn = connection.ops.quote_name
    table = qn(layer.meta().db_table)
    features = _feature_sql(layer_name, target_uri)
    size = ("%(without_next)s::int - 1 + length(page.n::text) + octet_length(page.body) "
            f"+ {len(MATCHED_KEY)} + length(page.m::text) "
            "+ CASE WHEN page.n = %(limit)s::int THEN %(next_link)s::int ELSE 0 END")
    insert, _values = access_record_insert(
        method="GET", path="", source="page, cfg" if relaxed else "page",
        computed={**RECORD_CONSTANTS, "status": "200", "bytes": size}, named=True)
    # Like the access-log middleware's own insert: its commit does not wait for the WAL flush.
    cfg = "cfg AS (SELECT set_config('synchronous_commit', 'off', true)), " if relaxed else ""
    return (
        f"WITH {cfg}pub AS (SELECT EXISTS (SELECT 1 FROM layers_layerpublication "  # noqa: S608
        f"WHERE layer = {_literal(layer_name)} AND state = {_literal(PublicationState.HERKESE_ACIK)}) AS ok), "
        f"_rows AS MATERIALIZED (SELECT * FROM {table} WHERE (SELECT ok FROM pub) AND {rows} "
        f"ORDER BY {table}.{qn('tucbsNo')} ASC LIMIT %(limit)s::int OFFSET %(offset)s::int), "
        f"page0 AS (SELECT count(*) AS n, coalesce(string_agg({features}, ','), '') AS body "
        f"FROM _rows AS {table}), "
        # numberMatched as ogc.matched gives it for a filtered query: the page proves it, else a count
        f"page AS (SELECT n, body, CASE WHEN n < %(limit)s::int AND (%(offset)s::int = 0 OR n > 0) "
        f"THEN %(offset)s::int + n ELSE (SELECT count(*) FROM {table} WHERE (SELECT ok FROM pub) AND {rows}) "
        f"END AS m FROM page0), "
        f"logged AS ({insert} WHERE (SELECT ok FROM pub)) "
        f"SELECT (SELECT ok FROM pub), page.n, page.body, page.m FROM page"
    )


def _run(request: HttpRequest, layer: type[Layer], target_uri: str, rows: tuple[str, dict],
         limit: int, offset: int, page: Page) -> tuple[int, str] | None:
    """(count, features text, numberMatched), or None when the layer is not public: one statement."""
    condition, corners = rows
    relaxed = not connection.in_atomic_block
    sql = _statement(layer.name, target_uri, condition, relaxed)
    without_next, with_next = page.sizes()
    params = access_record_values(method="GET", path=request.get_full_path(), computed=RECORD_COMPUTED)
    params.update(corners, limit=int(limit),
                  offset=int(offset), without_next=without_next, next_link=with_next - without_next)
    # In autocommit a failed statement harms nothing; inside a caller's transaction a savepoint
    # keeps it usable (as in the provider).
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        ok, count, body, matched = prepared.fetchone(sql, params)
    return (count, body, matched) if ok else None


# Placeholders of the cached envelope (_envelope): ASCII that JSON leaves as it is and that no
# title, URL or parameter of ours contains.
QUERY_MARK, EXTRA_MARK, TIME_MARK = "@@cbs-q@@", "@@cbs-x@@", "@@cbs-t@@"


class Page:
    """The FeatureCollection document around the SQL-built features, as pygeoapi's
    get_collection_items and views.execute write it."""

    def __init__(self, request: HttpRequest, query: dict[str, str], layer: type[Layer], limit: int,
                 offset: int, moved: bool):
        self.layer, self.limit, self.offset = layer, limit, offset
        self.format = query.get("f")  # "json" or None
        # The site's language (pygeoapi's locale for it: _locale); the caches below are keyed by
        # its code, cheaper to hash than babel's Locale.
        self.language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        self.base = _base(views._base_url(request))
        # pygeoapi's serialised parameters: all but f and offset (and the moved ones), in order.
        # Percent-encoded: nothing in them needs escaping in JSON or HTML entities.
        self.serialized = "".join(
            f"&{quote(k, safe='')}={quote(str(v), safe=',')}" for k, v in query.items()
            if k not in ("f", "offset") and not (moved and k in MOVED))
        self.extra = "".join(
            f"&{key}={quote(query[key], safe=',' if key == 'bbox' else '')}"
            for key in MOVED if moved and key in query)
        self.moved = moved
        # pygeoapi's strftime("%Y-%m-%dT%H:%M:%S.%fZ"), from isoformat (a third of its cost).
        self.time_stamp = datetime.now(UTC).isoformat(timespec="microseconds")[:-6] + "Z"

    def sizes(self) -> tuple[int, int]:
        """Bytes of the document with no features and numberReturned 0, without and with a
        next link (the access record's size is computed from these in SQL). Counted from the
        cached envelopes: the request's parts that replace their marks are ASCII (percent-encoded
        parameters, the time stamp), so their bytes are their characters."""
        content_language = _content_language(self.format, self.language)
        name, base, fmt, offset, limit, moved = (self.layer.name, self.base, self.format, self.offset,
                                                 self.limit, self.moved)
        self._envelopes = (
            _envelope(name, base, self.language, fmt, offset, limit, moved, False, content_language),
            _envelope(name, base, self.language, fmt, offset, limit, moved, True, content_language))
        query_grown, extra_grown = len(self.serialized) - len(QUERY_MARK), len(self.extra) - len(EXTRA_MARK)
        time_grown = len(self.time_stamp) - len(TIME_MARK)
        sizes = []
        for envelope in self._envelopes:
            size, queries, extras, times = _shape(envelope)
            sizes.append(size + queries * query_grown + extras * extra_grown + times * time_grown)
        return sizes[0], sizes[1]

    def content(self, count: int, body: str, matched: int) -> str:
        envelope = self._envelopes[count == self.limit]
        text = (envelope.replace(QUERY_MARK, self.serialized).replace(EXTRA_MARK, self.extra)
                .replace(TIME_MARK, self.time_stamp))
        return text.replace('"features":[],"numberReturned":0',
                            f'"features":[{body}],"numberReturned":{count}{MATCHED_KEY}{matched}', 1)

    def crs_header(self, target_uri: str) -> str:
        return target_uri


@lru_cache(maxsize=256)
def _headers(fmt: str | None, language: str, crs_uri: str) -> tuple[tuple[str, str], ...]:
    """pygeoapi's response headers for an items page (get_response_headers, Content-Crs), built
    once per format, language and CRS (pygeoapi's l10n is not cheap)."""
    headers = {"Content-Type": "application/json", "X-Powered-By": f"pygeoapi {pygeoapi_version}"}
    l10n.set_response_language(headers, SYSTEM_LOCALE)
    if fmt:
        headers["Content-Type"] = FORMAT_TYPES[fmt]
    headers["Content-Crs"] = f"<{crs_uri}>"
    l10n.set_response_language(headers, None, _locale(language))
    return tuple(headers.items())


@lru_cache(maxsize=256)
def _content_language(fmt: str | None, language: str) -> str:
    return dict(_headers(fmt, language, CRS84)).get("Content-Language", "")


@lru_cache(maxsize=512)
def _shape(envelope: str) -> tuple[int, int, int, int]:
    """(bytes, query marks, extra marks, time marks) of a cached envelope."""
    return (len(envelope.encode()), envelope.count(QUERY_MARK), envelope.count(EXTRA_MARK),
            envelope.count(TIME_MARK))


def _links(layer_name: str, uri: str, loc, fmt_value: str | None, offset: int, limit: int,
           with_next: bool) -> list[dict]:
    """pygeoapi's links of an items page, with QUERY_MARK where the serialised parameters go."""
    sq = QUERY_MARK
    links = [{
        "type": "application/geo+json", "rel": "self",  # the format is json or none (JSON is the default)
        "title": l10n.translate("This document as GeoJSON", loc), "href": f"{uri}?f={F_JSON}{sq}",
    }, {
        "rel": "alternate", "type": FORMAT_TYPES[F_JSONLD],
        "title": l10n.translate("This document as RDF (JSON-LD)", loc), "href": f"{uri}?f={F_JSONLD}{sq}",
    }, {
        "type": FORMAT_TYPES[F_HTML], "rel": "alternate",
        "title": l10n.translate("This document as HTML", loc), "href": f"{uri}?f={F_HTML}{sq}",
    }]
    links += [{"type": mimetype, "rel": "alternate", "title": f"This document as {key}",
               "href": f"{uri}?f={name}{sq}"} for key, mimetype, name in _formatters()]
    fmt = f"f={fmt_value}&" if fmt_value is not None else ""
    if offset > 0:
        links.append({"type": "application/geo+json", "rel": "prev",
                      "title": l10n.translate("Items (prev)", loc),
                      "href": f"{uri}?{fmt}offset={max(0, offset - limit)}{sq}"})
    if with_next:
        links.append({"type": "application/geo+json", "rel": "next",
                      "title": l10n.translate("Items (next)", loc),
                      "href": f"{uri}?{fmt}offset={offset + limit}{sq}"})
    links.append({"type": FORMAT_TYPES[F_JSON],
                  "title": l10n.translate(_title(layer_name), loc),
                  "rel": "collection", "href": "/".join(uri.split("/")[:-1])})
    return links


@lru_cache(maxsize=512)
def _envelope(layer_name: str, base: str, site_language: str, fmt_value: str | None, offset: int,
              limit: int, moved: bool, with_next: bool, language: str) -> str:
    """The document with `"features":[],"numberReturned":0` and the request's own parts as
    placeholders, serialised as pygeoapi's to_json (ASCII, "<" and ">" as entities) – or, when
    the bbox parameters were moved, as views._links_with re-serialises that (not ASCII, the
    parameters back in the item links). Built once per layer, language and page position."""
    links = _links(layer_name, f"{base}/collections/{layer_name}/items", _locale(site_language), fmt_value,
                   offset, limit, with_next)
    if moved:
        for link in links:
            if "/items" in link["href"]:
                link["href"] += EXTRA_MARK
    doc = {"type": "FeatureCollection", "features": [], "numberReturned": 0,
           "links": links, "timeStamp": TIME_MARK}
    text = json.dumps(doc, ensure_ascii=not moved, separators=(",", ":"))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return translate_link_titles(text, language)
