"""Search over the thematic layers: mahalle, roads, "road + door number", buildings, ada/parsel and
public service points, insensitive to Turkish letters and case (cbs.fold, trigram indexes).

Only layers in `visible` (what the caller may see, from the OGC gate) are searched. Search words
are values (folded by PostgreSQL and bound), never patterns or names.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramDistance
from django.db.models import QuerySet
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


def _buildings(query: str, words: list[str]) -> list[Hit]:
    if query.isdigit():
        qs = Bina.objects.filter(bina_kimlik_no=int(query)) if len(query) <= 18 else Bina.objects.none()
    elif len(query) >= 3:
        # Buildings are many: the closest names first (trigram distance of the folded name to the
        # folded query), read in that order from the partial GiST index (layers 0015), so that
        # PostgreSQL stops after PER_KIND rows instead of folding and sorting every hit.
        closeness = TrigramDistance(Fold("adi"), fold_value(" ".join(words)))
        qs = folded_contains(Bina.objects.exclude(adi=""), "adi", words).order_by(closeness)
    else:
        return []
    qs = qs.only("tucbs_no", "adi", "bina_kimlik_no")  # not the geometry: only its CRS84 box is shown
    return [Hit("building", b.adi or _("Building %(id)s") % {"id": b.bina_kimlik_no},
                _("Building id %(id)s") % {"id": b.bina_kimlik_no}, "bi-bina", b.tucbs_no, lonlat_bbox(b))
            for b in with_lonlat(qs, "geom")[:PER_KIND]]


def layer_search(query: str, visible: frozenset[str] | set[str]) -> list[Hit]:
    """Every layer hit for `query` among the `visible` layers, grouped by kind in this order."""
    query = " ".join(query.split())[:100]
    words = _words(query)
    if len(query) < 2 or not words:
        return []
    hits: list[Hit] = []
    addresses = _doors(query) if "ad-numarataj" in visible else []
    hits += addresses
    hits += parcel_hits(query, visible)
    text_query = not query.replace(" ", "").replace("/", "").isdigit()
    if "id-mahalle" in visible and text_query:
        mahalle_words = [w for w in words if w.translate(FOLD_TABLE).lower() not in ("mah", "mahallesi", "mh")]
        qs = _ranked(folded_contains(Mahalle.objects.all(), "adi", mahalle_words or words), "adi", mahalle_words or words)
        hits += [Hit("mahalle", f"{m.adi} Mahallesi", "", "id-mahalle", m.tucbs_no, lonlat_bbox(m))
                 for m in with_lonlat(qs.only("tucbs_no", "adi"), "geom")[:PER_KIND]]
    if "ad-yol" in visible and text_query:
        road_words, kind = _road_terms(query)
        if road_words:
            qs = _ranked(_roads(road_words, kind), "adi", road_words)
            hits += [Hit("road", road_label(r), r.get_yol_tipi_display(), "ad-yol", r.tucbs_no, lonlat_bbox(r))
                     for r in with_lonlat(qs.only("tucbs_no", "adi", "yol_tipi"), "geom")[:PER_KIND]]
    if "bi-bina" in visible and not addresses:  # "sehit er 12" is an address, not "Şehit Er Apt. 112"
        hits += _buildings(query, words)
    if "kh-hizmet" in visible and text_query:
        qs = _ranked(folded_contains(KamuHizmeti.objects.all(), "adi", words), "adi", words)
        hits += [Hit("service", s.adi, s.get_hizmet_tipi_display(), "kh-hizmet", s.tucbs_no, lonlat_bbox(s))
                 for s in with_lonlat(qs.only("tucbs_no", "adi", "hizmet_tipi"), "geom")[:PER_KIND]]
    return hits
