"""Search everywhere: each module's own public search function, grouped by kind.

The map's search box and /search/ use this. Layers are searched only where the caller may see them
(the OGC gate's visible collections); assets and tickets check their module grants themselves.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext as _, pgettext

from backoffice.assets.search import asset_search_hits
from backoffice.tickets.search import ticket_search_hits
from layers.search import layer_search, parcel_hits

from .coordinates import coordinate_hits
from .hits import Hit


def kind_titles() -> dict[str, str]:
    """Group headings, in the order the groups are listed."""
    return {
        "coordinates": _("Coordinates"),
        "address": _("Addresses"),
        "parcel": _("Parcels"),
        "mahalle": _("Neighbourhoods"),
        "road": _("Roads"),
        "building": _("Buildings"),
        "service": _("Public service points"),
        "asset": pgettext("search group", "Assets"),
        "ticket": pgettext("search group", "Tickets"),
    }


def search_everywhere(query: str, *, user, visible: frozenset[str]) -> list[dict]:
    """[{kind, title, results: [hit, …]}, …] for `query`, groups in a fixed order, empty ones left out."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    hits: list[Hit] = coordinate_hits(query)
    if hits:  # a typed position: no name, code, IP or ticket number reads like one; "41 28" may be ada/parsel
        hits += parcel_hits(query, visible)
    else:
        hits += layer_search(query, visible)
        hits += asset_search_hits(query, user)
        hits += ticket_search_hits(query, user)
    groups = []
    for kind, title in kind_titles().items():
        found = [asdict(h) for h in hits if h.kind == kind]
        if found:
            groups.append({"kind": kind, "title": title, "results": found})
    return groups
