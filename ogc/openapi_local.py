"""Local stand-ins for the OGC schema components pygeoapi's OpenAPI document references on
schemas.opengis.net, so that the document is complete without the internet: each external
`$ref` becomes `#/components/<kind>/<name>` with a definition from here (after the OGC API –
Features Part 1 / Common / Tiles OpenAPI fragments, reduced to what clients validate)."""

from __future__ import annotations

import re

LINK = {"type": "object", "required": ["href"], "properties": {
    "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
    "hreflang": {"type": "string"}, "title": {"type": "string"}, "length": {"type": "integer"},
    "templated": {"type": "boolean"}}}
EXCEPTION = {"type": "object", "required": ["code"], "properties": {
    "code": {"type": "string"}, "type": {"type": "string"}, "description": {"type": "string"},
    "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
    "instance": {"type": "string"}}}
LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
FEATURE_COLLECTION = {"type": "object", "required": ["type", "features"], "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]},
    "features": {"type": "array", "items": {"type": "object"}}, "links": LINKS,
    "timeStamp": {"type": "string", "format": "date-time"},
    "numberMatched": {"type": "integer", "minimum": 0},
    "numberReturned": {"type": "integer", "minimum": 0}}}
FEATURE = {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
    "type": {"type": "string", "enum": ["Feature"]}, "geometry": {"nullable": True},
    "properties": {"type": "object", "nullable": True}, "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    "links": LINKS}}


def _json(schema: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _error(description: str) -> dict:
    return _json({"$ref": "#/components/schemas/exception"}, description)


COMPONENTS = {
    "schemas": {
        "link": LINK,
        "exception": EXCEPTION,
        "cql2": {"description": "A CQL2 expression (JSON encoding).",
                 "oneOf": [{"type": "object"}, {"type": "boolean"}]},
    },
    "responses": {
        "LandingPage": _json({"type": "object", "required": ["links"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"}, "links": LINKS}},
            "The landing page."),
        "Features": {"description": "The features of the collection.", "content": {
            "application/geo+json": {"schema": FEATURE_COLLECTION},
            "application/json": {"schema": FEATURE_COLLECTION}}},
        "Feature": {"description": "One feature.", "content": {
            "application/geo+json": {"schema": FEATURE}, "application/json": {"schema": FEATURE}}},
        "Collection": _json({"type": "object", "required": ["id", "links"], "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
            "links": LINKS, "extent": {"type": "object"}, "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}}}}, "A collection."),
        "InvalidParameter": _error("A query parameter has an invalid value."),
        "NotFound": _error("The requested resource does not exist on the server."),
        "ServerError": _error("A server error occurred."),
    },
    "parameters": {
        "featureId": {"name": "featureId", "in": "path", "required": True,
                      "description": "local identifier of a feature", "schema": {"type": "string"}},
        "datetime": {"name": "datetime", "in": "query", "required": False, "style": "form",
                     "explode": False, "schema": {"type": "string"},
                     "description": "A date-time or an interval (RFC 3339), open ends as '..'."},
    },
}
EXTERNAL = re.compile(r"^https?://")


def _local(ref: str) -> str:
    """`#/components/<kind>/<name>` for an external reference."""
    _url, _hash, fragment = ref.partition("#")
    if fragment.startswith("/components/"):
        kind, name = fragment.removeprefix("/components/").split("/")[:2]
    else:  # a whole schema file: cql2.json, exception.yaml
        kind = "schemas"
        name = ref.rsplit("/", 1)[-1].split(".")[0]
    if name not in COMPONENTS.get(kind, {}):
        kind, name = "schemas", "exception" if kind == "schemas" else name
        if name not in COMPONENTS["schemas"]:
            raise KeyError(f"no local component for {ref}")
    return f"#/components/{kind}/{name}"


def self_contained(document: dict) -> dict:
    """`document` with every external $ref pointing at a local component (added as needed)."""
    used: set[tuple[str, str]] = {("schemas", "link"), ("schemas", "exception")}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and EXTERNAL.match(ref):
                node["$ref"] = local = _local(ref)
                used.add(tuple(local.removeprefix("#/components/").split("/")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    components = document.setdefault("components", {})
    for kind, name in sorted(used):
        components.setdefault(kind, {}).setdefault(name, COMPONENTS[kind][name])
    return document
