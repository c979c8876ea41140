"""Identify: which features lie under a click, and one feature as people read it.

The map asks the server (not the vector tiles) so that co-located points (four cameras on one
pole) are all found, and so that labels, code-list values, times and related records read
exactly as in the edit form."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.gis.db.models.functions import Area, Distance, Length
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cbs.accounts.selectors import layer_resource, user_can

from .registry import Layer

HITS_PER_LAYER = 20
HITS_MAX = 50
# A click on a point finds the nearest door number this close (m) as its address.
ADDRESS_RADIUS_M = 60
# Polygons larger than this (m²) are areas (a mahalle, a plan), not a building with an address.
ADDRESS_MAX_AREA_M2 = 20_000

# Turkish address words (part of the address, not of the interface language).
ROAD_SUFFIX = {"cadde": "Caddesi", "sokak": "Sokak", "bulvar": "Bulvarı", "meydan": "Meydanı",
               "kumeEvler": "Küme Evleri"}


@dataclass(frozen=True)
class Hit:
    layer: str
    layer_title: str
    id: int
    label: str
    rank: int          # 0 point, 1 line, 2 area: what lies on top of the map comes first
    size: float        # distance (points, lines) or area (polygons), to order within a rank


def _rank(layer: type[Layer]) -> int:
    geometry = layer.geometry_type()
    return 2 if "Polygon" in geometry else 1 if "Line" in geometry else 0


def _label(layer: type[Layer], instance) -> str:
    if layer.map_label_field:
        value = getattr(instance, layer.map_label_field, None)
        if value not in (None, ""):
            return str(value)
    return str(instance) or f"#{instance.tucbs_no}"


def features_at(*, layers: list[type[Layer]], point: Point, tolerance_m: float) -> list[Hit]:
    """Features of `layers` within `tolerance_m` of `point` (storage CRS): points and lines by
    distance, areas that contain or touch the point smallest first."""
    hits: list[Hit] = []
    for layer in layers:
        field = layer.geometry_field
        rank = _rank(layer)
        qs = layer.model.objects.filter(**{f"{field}__dwithin": (point, tolerance_m)})
        qs = qs.annotate(_size=Area(field) if rank == 2 else Distance(field, point)).order_by("_size", "tucbs_no")
        for instance in qs[:HITS_PER_LAYER]:
            size = instance._size
            hits.append(Hit(layer=layer.name, layer_title=str(layer.title), id=instance.tucbs_no,
                            label=_label(layer, instance), rank=rank,
                            size=float(getattr(size, "sq_m", None) or getattr(size, "m", None) or 0)))
    hits.sort(key=lambda h: (h.rank, h.size))
    return hits[:HITS_MAX]


def hits_json(hits: list[Hit]) -> list[dict]:
    return [{k: v for k, v in asdict(h).items() if k != "size"} for h in hits]


# --- one feature -------------------------------------------------------------------------------

def _capfirst(text: str) -> str:
    """capfirst that knows Turkish capitals (idari → İdari, ılık → Ilık)."""
    if text and get_language() == "tr":
        text = {"i": "İ", "ı": "I"}.get(text[0], text[0]) + text[1:]
    return capfirst(text)


def _number(value, digits: int = 0) -> str:
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def display_value(instance, field: models.Field) -> tuple[str, dict | None]:
    """The value as the edit form shows it, and a link to a related feature on the map."""
    if field.is_relation:
        related = getattr(instance, field.name, None)
        if related is None:
            return "", None
        from .registry import all_layers

        target = next((layer for layer in all_layers() if layer.model is type(related)), None)
        link = {"layer": target.name, "id": related.tucbs_no} if target else None
        return str(related), link
    value = getattr(instance, field.name)
    if value is None or value == "":
        return "", None
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")()), None
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "d.m.Y H:i"), None
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d.m.Y"), None
    if isinstance(value, bool):
        return (_("yes") if value else _("no")), None
    if isinstance(value, (float, Decimal)):
        return _number(value, 2), None
    return str(value), None


def display_text(instance, field: models.Field) -> str:
    """The value as text for pages that list a feature's attributes ("–" when empty)."""
    return display_value(instance, field)[0] or "–"


def door_address(door) -> str:
    """'Kennedy Caddesi No: 12, Sümer Mahallesi' for a door number (roads and mahalle loaded)."""
    road = f"{door.yol.adi} {ROAD_SUFFIX.get(door.yol.yol_tipi, '')}".strip()
    return f"{road} No: {door.kapi_numarasi}, {door.mahalle.adi} Mahallesi"


def address_of(layer: type[Layer], instance) -> str:
    """The address of a point (its nearest door number) or a building-sized area (a door number
    on it); none for roads, networks and large areas."""
    from .models import Numarataj

    doors = Numarataj.objects.select_related("yol", "mahalle")
    if isinstance(instance, Numarataj):
        return door_address(doors.get(pk=instance.pk))
    geom: GEOSGeometry = getattr(instance, layer.geometry_field)
    if geom is None or "Line" in geom.geom_type:
        return ""
    if "Polygon" in geom.geom_type and geom.area > ADDRESS_MAX_AREA_M2:
        return ""
    radius = 2 if "Polygon" in geom.geom_type else ADDRESS_RADIUS_M
    near = (doors.filter(geom__dwithin=(geom, radius))
            .annotate(_d=Distance("geom", geom.centroid)).order_by("_d").first())
    return door_address(near) if near else ""


def measures_of(geom: GEOSGeometry) -> list[dict]:
    """Length or area in the storage CRS (the TM zone: true metres, not Web Mercator)."""
    if geom is None:
        return []
    if "Polygon" in geom.geom_type:
        return [{"label": _("Area"), "value": f"{_number(geom.area, 1)} m²"},
                {"label": _("Perimeter"), "value": f"{_number(geom.boundary.length, 1)} m"}]
    if "Line" in geom.geom_type:
        return [{"label": _("Length"), "value": f"{_number(geom.length, 1)} m"}]
    return []


def feature_identify(*, layer: type[Layer], tucbs_no: int, user) -> dict | None:
    """What the identify panel shows for one feature; None if there is no such feature."""
    relations = [f.name for f in layer.property_fields() if f.is_relation]
    instance = layer.model.objects.select_related(*relations).filter(tucbs_no=tucbs_no).first()
    if instance is None:
        return None
    rows = []
    for field in layer.property_fields():
        if field.name == "surum_bitis_zamani" and getattr(instance, field.name) is None:
            continue  # the current version has no end: an empty row says nothing
        text, link = display_value(instance, field)
        rows.append({"name": field.column, "label": _capfirst(str(field.verbose_name)), "value": text,
                     "link": link})
    geom = getattr(instance, layer.geometry_field)
    actions = []
    if user_can(user, layer_resource(layer), "edit"):
        actions.append({"kind": "edit", "label": _("Edit"),
                        "url": reverse("layers:map") + f"?edit={layer.name}:{tucbs_no}"})
    actions.append({"kind": "history", "label": _("History"),
                    "url": reverse("layers:feature_history", args=[layer.name, tucbs_no])})
    actions += layer.identify_actions(instance, user)
    centroid = geom.centroid.transform(4326, clone=True) if geom is not None else None
    return {
        "layer": layer.name, "layerTitle": str(layer.title), "id": tucbs_no,
        "title": _label(layer, instance), "rows": rows, "address": address_of(layer, instance),
        "measures": measures_of(geom), "actions": actions,
        "lonlat": [round(centroid.x, 7), round(centroid.y, 7)] if centroid else None,
    }


def label_points(*, layer: type[Layer], bbox: tuple[float, float, float, float] | None, limit: int = 5000) -> str:
    """One label point per area feature (PostGIS ST_PointOnSurface) as GeoJSON in CRS84: vector
    tiles cut areas at tile edges, and a label per piece would repeat a mahalle name four times."""
    from django.db import connection

    meta = layer.meta()
    label = meta.get_field(layer.map_label_field).column
    geom = layer.geometry().column
    where, params = "", []
    if bbox:
        where = f'WHERE "{geom}" && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), ST_SRID("{geom}"))'
        params = list(bbox)
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', t.id, 'geometry', ST_AsGeoJSON(t.p, 7)::json,
            'properties', json_build_object('label', t.label))), '[]'))::text
        FROM (SELECT "tucbsNo" AS id, "{label}"::text AS label,
                     ST_Transform(ST_PointOnSurface("{geom}"), 4326) AS p
              FROM "{meta.db_table}" {where} LIMIT {int(limit)}) t
    """  # noqa: S608  (names come from the registry, values are bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
