"""Search over the thematic layers: mahalle, roads, "road + door number", buildings, ada/parsel and
public service points, insensitive to Turkish letters and case (cbs.fold, trigram indexes).

Only layers in `visible` (what the caller may see, from the OGC gate) are searched. Search words
are values (folded by PostgreSQL and bound), never patterns or names.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramDistance
from django.db.models import BigIntegerField, CharField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from cbs.fold import Fold, fold_value
from cbs.hits import Hit, lonlat_bbox, with_lonlat

from .models import Bina, KamuHizmeti, Mahalle, Numarataj, Parsel, Yol

PER_KIND = 6
DOOR = re.compile(r"^(?P<road>.*?\D)\s*(?:\bno\b[:.]?\s*)?(?P<door>[1-9][0-9]{0,4}(?:/?[A-Za-z])?)$", re.IGNORECASE)
PARCEL = re.compile(r"^(?:ada\s*)?(?P<ada>[0-9]{1,5})\s*(?:/|\s+parsel\s*|\s+)(?P<parsel>[0-9]{1,5})$",
                    re.IGNORECASE)
# Words that name a road's type as people type them ("Şehit Er Cd 12", "Gül Sokağı"), folded.
ROAD_TYPE_WORDS = {
    "cd": "cadde", "cad": "cadde", "cadde": "cadde", "caddesi": "cadde",
    "sk": "sokak", "sok": "sokak", "sokak": "sokak", "sokagi": "sokak",
    "blv": "bulvar", "bulv": "bulvar", "bulvar": "bulvar", "bulvari": "bulvar",
    "meydan": "meydan", "meydani": "meydan",
}
# How an address names the road type after the road's name (Turkish in every UI language: it is
# part of the address, like the name itself).
ROAD_SUFFIX = {"cadde": "Caddesi", "sokak": "Sokak", "bulvar": "Bulvarı", "meydan": "Meydanı",
               "kumeEvler": "Küme Evler"}
FOLD_TABLE = str.maketrans("İIıŞşĞğÖöÜüÇçÂâÎîÛû", "iiissggoouuccaaiiuu")


def road_label(road: Yol) -> str:
    """'Şehit Er Caddesi', as on a street sign."""
    return f"{road.adi} {ROAD_SUFFIX.get(road.yol_tipi, '')}".strip()


def address_label(road: Yol, door: str) -> str:
    return f"{road_label(road)} No: {door}"


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.,;]+", text) if w]


def _road_terms(text: str) -> tuple[list[str], str | None]:
    """'Şehit Er Cd' -> (['Şehit', 'Er'], 'cadde'): the name's words and the road type if typed."""
    words, kind = _words(text), None
    while words and words[-1].translate(FOLD_TABLE).lower() in ROAD_TYPE_WORDS:
        kind = ROAD_TYPE_WORDS[words.pop().translate(FOLD_TABLE).lower()]
    return words, kind


def folded_contains(qs: QuerySet, column: str, words: list[str]) -> QuerySet:
    """Rows whose folded `column` contains every word (folded), each a LIKE on the trigram index."""
    alias = f"_fold_{column.replace('__', '_')}"
    qs = qs.annotate(**{alias: Fold(column)})
    for word in words:
        qs = qs.filter(**{f"{alias}__contains": fold_value(word)})
    return qs


def _ranked(qs: QuerySet, column: str, words: list[str]) -> QuerySet:
    """Names that start with the first word first, then shorter names (the closer match)."""
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Length

    alias = f"_fold_{column.replace('__', '_')}"
    starts = Case(When(**{f"{alias}__startswith": fold_value(words[0])}, then=Value(0)),
                  default=Value(1), output_field=IntegerField())
    return qs.annotate(_starts=starts, _len=Length(column)).order_by("_starts", "_len", column) \
        if words else qs.order_by(column)


def _roads(words: list[str], kind: str | None) -> QuerySet:
    qs = folded_contains(Yol.objects.all(), "adi", words)
    return qs.filter(yol_tipi=kind) if kind else qs


def _doors(query: str) -> list[Hit]:
    door = DOOR.match(query)
    if not door:
        return []
    words, kind = _road_terms(door["road"])
    if not words:
        return []
    roads = _ranked(_roads(words, kind), "adi", words).values("tucbs_no")[:20]
    qs = (Numarataj.objects.filter(yol__in=roads, kapi_numarasi__iexact=door["door"])
          .select_related("yol", "mahalle").order_by("yol__adi", "tucbs_no")
          .only("tucbs_no", "kapi_numarasi", "yol__adi", "yol__yol_tipi", "mahalle__adi"))
    return [Hit("address", address_label(n.yol, n.kapi_numarasi), f"{n.mahalle.adi} Mahallesi",
                "ad-numarataj", n.tucbs_no, lonlat_bbox(n)) for n in with_lonlat(qs, "geom")[:PER_KIND]]


def _parcels(query: str) -> list[Hit]:
    parcel = PARCEL.match(query)
    if not parcel:
        return []
    qs = (Parsel.objects.filter(ada_no=int(parcel["ada"]), parsel_no=int(parcel["parsel"]))
          .select_related("mahalle").order_by("tucbs_no").only("tucbs_no", "ada_no", "parsel_no", "mahalle__adi"))
    return [Hit("parcel", _("Ada %(ada)s Parsel %(parsel)s") % {"ada": p.ada_no, "parsel": p.parsel_no},
                f"{p.mahalle.adi} Mahallesi", "tk-parsel", p.tucbs_no, lonlat_bbox(p))
            for p in with_lonlat(qs, "geom")[:PER_KIND]]


def parcel_hits(query: str, visible: frozenset[str] | set[str]) -> list[Hit]:
    """Ada/parsel hits for `query` if parcels are visible (also asked for a typed position)."""
    return _parcels(" ".join(query.split())[:100]) if "tk-parsel" in visible else []


def _rows(kind: str, qs: QuerySet, code: str | None = None, number: str | None = None) -> QuerySet:
    """The first PER_KIND rows of `qs` (ordered already) as (kind, tucbsNo, name, code, number, box):
    one shape for every kind, so that all kinds are asked in one UNION ALL statement."""
    qs = with_lonlat(qs, "geom").annotate(
        _kind=Value(kind), _no=F("tucbs_no"), _name=F("adi"),
        _code=Cast(code, CharField()) if code else Value("", output_field=CharField()),
        _number=F(number) if number else Cast(Value(None), BigIntegerField()))
    return qs.values_list("_kind", "_no", "_name", "_code", "_number", "_lonlat")[:PER_KIND]


def _hit(kind: str, number: int, name: str, code: str, extra: int | None, box: list | None) -> Hit:
    bbox = None if not box or None in box else [round(v, 7) for v in box]
    if kind == "mahalle":
        return Hit("mahalle", f"{name} Mahallesi", "", "id-mahalle", number, bbox)
    if kind == "road":
        road = Yol(adi=name, yol_tipi=code)
        return Hit("road", road_label(road), road.get_yol_tipi_display(), "ad-yol", number, bbox)
    if kind == "building":
        return Hit("building", name or _("Building %(id)s") % {"id": extra},
                   _("Building id %(id)s") % {"id": extra}, "bi-bina", number, bbox)
    service = KamuHizmeti(adi=name, hizmet_tipi=code)
    return Hit("service", name, service.get_hizmet_tipi_display(), "kh-hizmet", number, bbox)


def _building_rows(query: str, words: list[str]) -> QuerySet | None:
    if query.isdigit():
        qs = Bina.objects.filter(bina_kimlik_no=int(query)) if len(query) <= 18 else None
        return _rows("building", qs.order_by("tucbs_no"), number="bina_kimlik_no") if qs is not None else None
    if len(query) < 3:
        return None
    # Buildings are many: the closest names first (trigram distance of the folded name to the
    # folded query), read in that order from the partial GiST index (layers 0015), so that
    # PostgreSQL stops after PER_KIND rows instead of folding and sorting every hit.
    closeness = TrigramDistance(Fold("adi"), fold_value(" ".join(words)))
    qs = folded_contains(Bina.objects.exclude(adi=""), "adi", words).order_by(closeness)
    return _rows("building", qs, number="bina_kimlik_no")


def layer_search(query: str, visible: frozenset[str] | set[str]) -> list[Hit]:
    """Every layer hit for `query` among the `visible` layers, grouped by kind in this order:
    addresses and parcels (when the query reads like one), then mahalle, road, building and
    service point names – these four in one statement (one round trip, one plan)."""
    query = " ".join(query.split())[:100]
    words = _words(query)
    if len(query) < 2 or not words:
        return []
    hits: list[Hit] = []
    addresses = _doors(query) if "ad-numarataj" in visible else []
    hits += addresses
    hits += parcel_hits(query, visible)
    text_query = not query.replace(" ", "").replace("/", "").isdigit()
    parts = []
    if "id-mahalle" in visible and text_query:
        mahalle_words = [w for w in words if w.translate(FOLD_TABLE).lower() not in ("mah", "mahallesi", "mh")]
        parts.append(_rows("mahalle", _ranked(folded_contains(Mahalle.objects.all(), "adi", mahalle_words or words),
                                              "adi", mahalle_words or words)))
    if "ad-yol" in visible and text_query:
        road_words, kind = _road_terms(query)
        if road_words:
            parts.append(_rows("road", _ranked(_roads(road_words, kind), "adi", road_words), code="yol_tipi"))
    if "bi-bina" in visible and not addresses:  # "sehit er 12" is an address, not "Şehit Er Apt. 112"
        buildings = _building_rows(query, words)
        if buildings is not None:
            parts.append(buildings)
    if "kh-hizmet" in visible and text_query:
        parts.append(_rows("service", _ranked(folded_contains(KamuHizmeti.objects.all(), "adi", words), "adi", words),
                           code="hizmet_tipi"))
    if parts:
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        found = list(rows)  # each part keeps its own order; UNION ALL keeps the parts' order
        order = ["mahalle", "road", "building", "service"]
        found.sort(key=lambda row: order.index(row[0]))  # stable: the order within a kind stays
        hits += [_hit(*row) for row in found]
    return hits
