"""Reads over the layers that are more than plain CRUD (counts, extents)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections

from cbs.db import read_alias

from .registry import THEMES, Layer, all_layers


@dataclass(frozen=True)
class LayerSummary:
    """What the start page and the catalogue show of one layer."""

    name: str
    title: str
    theme: str
    theme_title: str
    geometry_type: str
    count: int
    access: str


def layer_count(layer: type[Layer]) -> int:
    """Exact feature count of a layer (for pages and tests, not per OGC request)."""
    return layer.model.objects.count()


def layer_counts() -> dict[str, int]:
    """Feature count of every layer, in one statement."""
    layers = all_layers()
    qn = connection.ops.quote_name
    selects = ", ".join(f"(SELECT count(*) FROM {qn(layer.meta().db_table)})" for layer in layers)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(f"SELECT {selects}")  # noqa: S608  (table names from the registry)
        return dict(zip((layer.name for layer in layers), cursor.fetchone(), strict=True))


def layer_summaries() -> list[LayerSummary]:
    counts = layer_counts()
    return [
        LayerSummary(
            name=layer.name, title=str(layer.title), theme=layer.theme,
            theme_title=str(THEMES[layer.theme]), geometry_type=layer.geometry_type(),
            count=counts[layer.name], access=layer.access,
        )
        for layer in all_layers()
    ]


def layer_extent_lonlat(layer: type[Layer]) -> list[float] | None:
    """Bounding box of the layer's data in CRS84, computed by PostGIS (None when empty)."""
    meta = layer.meta()
    geom = layer.geometry()
    table = connection.ops.quote_name(meta.db_table)
    column = connection.ops.quote_name(geom.column)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM ("  # noqa: S608
            f"SELECT ST_Transform(ST_SetSRID(ST_Extent({column}), %s), 4326) AS e FROM {table}) s",
            [settings.CBS_SRID],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return [round(v, 6) for v in row]


SEARCH_LIMIT = 10
DOOR = re.compile(r"^(?P<road>.+?)\s+(?:no[:.]?\s*)?(?P<door>[0-9]+[A-Za-z]?)$", re.IGNORECASE)
PARCEL = re.compile(r"^(?P<ada>[0-9]+)\s*/\s*(?P<parsel>[0-9]+)$")
# Words that name a road's type, as people type them ("Şehit Er Cd 12", "Gül Sokağı").
ROAD_TYPE_WORDS = {
    "cd": "cadde", "cad": "cadde", "cadde": "cadde", "caddesi": "cadde",
    "sk": "sokak", "sok": "sokak", "sokak": "sokak", "sokağı": "sokak",
    "blv": "bulvar", "bulv": "bulvar", "bulvar": "bulvar", "bulvarı": "bulvar",
    "meydan": "meydan", "meydanı": "meydan",
}


@dataclass(frozen=True)
class SearchHit:
    """One search result: what it is, where to zoom (CRS84 bbox) and what to highlight."""

    label: str
    layer: str
    tucbs_no: int
    bbox: list[float]


def _road_words(text: str) -> tuple[str, str | None]:
    """'Şehit Er Cd' -> ('Şehit Er', 'cadde'): the name and the road type if one was typed."""
    words = text.replace(".", " ").split()
    kind = None
    while words and words[-1].lower() in ROAD_TYPE_WORDS:
        kind = ROAD_TYPE_WORDS[words.pop().lower()]
    return " ".join(words), kind


def _hits(qs, layer: type[Layer], label) -> list[SearchHit]:
    from django.contrib.gis.db.models.functions import Transform

    rows = qs.annotate(_box=Transform(layer.geometry_field, 4326))[:SEARCH_LIMIT]
    return [SearchHit(label=label(o), layer=layer.name, tucbs_no=o.tucbs_no,
                      bbox=[round(v, 7) for v in o._box.extent]) for o in rows]


def map_search(query: str, visible: frozenset[str]) -> list[SearchHit]:
    """Mahalle, road, 'road + door number', building id and 'ada/parsel', among visible layers."""
    from .models import Bina, Mahalle, Numarataj, Parsel, Yol
    from .registry import get_layer

    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    hits: list[SearchHit] = []
    door = DOOR.match(query)
    if door and "ad-numarataj" in visible:
        road, kind = _road_words(door["road"])
        qs = Numarataj.objects.filter(yol__adi__icontains=road, kapi_numarasi__iexact=door["door"])
        if kind:
            qs = qs.filter(yol__yol_tipi=kind)
        hits += _hits(qs.select_related("yol", "mahalle"), get_layer("ad-numarataj"),
                      lambda n: f"{n.yol} No:{n.kapi_numarasi} – {n.mahalle}")
    parcel = PARCEL.match(query)
    if parcel and "tk-parsel" in visible:
        hits += _hits(Parsel.objects.filter(ada_no=parcel["ada"], parsel_no=parcel["parsel"])
                      .select_related("mahalle"), get_layer("tk-parsel"),
                      lambda p: f"{p.mahalle} {p.ada_no}/{p.parsel_no}")
    if query.isdigit() and "bi-bina" in visible:
        hits += _hits(Bina.objects.filter(bina_kimlik_no=int(query)), get_layer("bi-bina"),
                      lambda b: f"{b.bina_kimlik_no} {b.adi}".strip())
    if "id-mahalle" in visible:
        hits += _hits(Mahalle.objects.filter(adi__icontains=query), get_layer("id-mahalle"),
                      lambda m: f"{m.adi} Mahallesi")
    if "ad-yol" in visible:
        road, kind = _road_words(query)
        qs = Yol.objects.filter(adi__icontains=road or query)
        if kind:
            qs = qs.filter(yol_tipi=kind)
        hits += _hits(qs, get_layer("ad-yol"), str)
    return hits[:SEARCH_LIMIT]
