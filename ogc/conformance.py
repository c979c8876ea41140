"""What we declare in /conformance beyond pygeoapi's own list, and the OpenAPI document made
self-contained. Every class added here is implemented by our code and has a test module
(tests/ogc/test_conformance_*.py) that checks its requirements."""

from __future__ import annotations

import json

import pygeoapi.api as core_api
from pygeoapi.api import F_HTML, API, APIRequest
from pygeoapi.util import render_j2_template, to_json

from .openapi_local import self_contained

TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
FILTER = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
OURS = [
    # OGC API – Tiles (ogc/tiles.py, ogc/tilematrixsets.py): vector tiles of each collection.
    f"{TILES}core", f"{TILES}tileset", f"{TILES}tilesets-list", f"{TILES}geodata-tilesets",
    f"{TILES}mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    # Features Part 3 (ogc/cql.py checks every filter against the queryables).
    f"{FILTER}filter", f"{FILTER}features-filter",
    f"{CQL2}cql2-text", f"{CQL2}cql2-json", f"{CQL2}basic-cql2",
    f"{CQL2}advanced-comparison-operators", f"{CQL2}basic-spatial-functions",
    # Features Part 4 (ogc/transactions.py): PATCH with If-Match.
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
]


def conformance_classes(api: API) -> list[str]:
    """pygeoapi's classes for our resources, plus ours."""
    from pygeoapi.api import CONFORMANCE_CLASSES, all_apis

    itemtypes = all_apis()["itemtypes"]
    classes = set(CONFORMANCE_CLASSES) | set(OURS)
    for resource in api.config["resources"].values():
        for provider in resource.get("providers", []):
            if provider["type"] == "feature":
                classes |= set(itemtypes.CONFORMANCE_CLASSES_FEATURES)
            elif provider["type"] == "record":
                classes |= set(itemtypes.CONFORMANCE_CLASSES_RECORDS)
    return sorted(classes)


def conformance(api: API, request: APIRequest):
    """pygeoapi's conformance core function with our list (JSON and HTML)."""
    body = {"conformsTo": conformance_classes(api)}
    headers = request.get_response_headers(**api.api_headers)
    if request.format == F_HTML:
        return headers, 200, render_j2_template(api.tpl_config, api.config["server"]["templates"],
                                                "conformance.html", body, request.locale)
    return headers, 200, to_json(body, api.pretty_print)


def openapi(api: API, request: APIRequest):
    """pygeoapi's OpenAPI document with every external $ref replaced by a local component."""
    headers, status, content = core_api.openapi_(api, request)
    if status == 200 and request.format != F_HTML and isinstance(content, str):
        content = json.dumps(self_contained(json.loads(content)), ensure_ascii=False)
    return headers, status, content


GEOJSON = "application/geo+json"


def geojson_if_asked(request, response):
    """Features Part 1 (GeoJSON): items asked for as application/geo+json are labelled so
    (pygeoapi labels its JSON application/json whatever was asked)."""
    if (response.status_code == 200 and GEOJSON in request.META.get("HTTP_ACCEPT", "")
            and request.GET.get("f") in (None, "json", "geojson")
            and response.get("Content-Type", "").startswith("application/json")):
        response["Content-Type"] = GEOJSON
    return response
