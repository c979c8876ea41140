"""Link titles of pygeoapi's JSON documents in the request's language.

pygeoapi writes them in English (only some pass through its own translation, which has no
catalogue for Turkish). Applied to pygeoapi's JSON text before the SQL-built features are put
in (ogc/views.py), so the text scanned is only the envelope."""

from __future__ import annotations

import json
import re

from django.utils import translation
from django.utils.translation import gettext as _

TITLE = re.compile(r'"title":\s?"((?:[^"\\]|\\.)*)"')
FORMATS = {"JSON": "JSON", "HTML": "HTML", "GeoJSON": "GeoJSON", "CSV": "CSV", "gpkg": "GeoPackage",
           "RDF (JSON-LD)": "RDF (JSON-LD)", "RDF (GeoJSON-LD)": "RDF (GeoJSON-LD)",
           "jsonld": "JSON-LD"}


def _exact() -> dict[str, str]:
    return {
        "The landing page of this server as JSON": _("The landing page of this server as JSON"),
        "The landing page of this server as HTML": _("The landing page of this server as HTML"),
        "The OpenAPI definition as JSON": _("The OpenAPI definition as JSON"),
        "The OpenAPI definition as HTML": _("The OpenAPI definition as HTML"),
        "Conformance": _("Conformance"),
        "Collections": _("Collections"),
        "Processes": _("Processes"),
        "Jobs": _("Jobs"),
        "Items (next)": _("Items (next)"),
        "Items (prev)": _("Items (prev)"),
        "The list of supported tiling schemes as JSON": _("The list of supported tiling schemes as JSON"),
        "The list of supported tiling schemes as HTML": _("The list of supported tiling schemes as HTML"),
        "TileMatrixSet definition in JSON": _("TileMatrixSet definition in JSON"),
        "Vector tiles (MVT)": _("Vector tiles (MVT)"),
    }


def _patterns() -> list[tuple[re.Pattern, str]]:
    return [
        (re.compile(r"^This document as (.+)$"), _("This document as %(format)s")),
        (re.compile(r"^Items as (.+)$"), _("Items as %(format)s")),
        (re.compile(r"^Schema of collection in (.+)$"), _("Schema of the collection as %(format)s")),
        (re.compile(r"^Queryables for this collection as (.+)$"), _("Queryables of the collection as %(format)s")),
    ]


def translated_title(title: str, exact: dict[str, str], patterns) -> str:
    if title in exact:
        return exact[title]
    for pattern, template in patterns:
        match = pattern.match(title)
        if match:
            return template % {"format": FORMATS.get(match.group(1), match.group(1))}
    return title


def translate_link_titles(content: str, language: str) -> str:
    """`content` (pygeoapi's JSON text, answered in `language`: its Content-Language) with the
    link titles we know translated."""
    if not language or language.lower().startswith("en") or '"title"' not in content:
        return content
    with translation.override(language):
        exact, patterns = _exact(), _patterns()

    def replace(match: re.Match) -> str:
        title = json.loads(f'"{match.group(1)}"')
        new = translated_title(title, exact, patterns)
        return match.group(0) if new == title else '"title":' + json.dumps(new, ensure_ascii=False)
    return TITLE.sub(replace, content)


def translate_html_link_titles(content: str, language: str) -> str:
    """The same titles where pygeoapi's HTML pages print them as link text (`>title<`)."""
    if not language or language.lower().startswith("en"):
        return content
    with translation.override(language):
        exact, patterns = _exact(), _patterns()
        english = set(exact) | {f"{stem} {fmt}" for stem in ("This document as", "Items as")
                                for fmt in FORMATS}
        for title in english:
            marker = f">{title}<"
            if marker in content:
                content = content.replace(marker, f">{translated_title(title, exact, patterns)}<")
    return content
