"""Reads the field app needs beside the OGC API: versions of features in an area, one feature
as the device shows it (CRS84), the neighbourhoods to pick an area from, the editable forms."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.gis.geos import Polygon
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from cbs.accounts.selectors import layer_resource, user_can
from layers.registry import Layer, all_layers, get_layer
from layers.views import form_schema
from ogc.gate import Caller, visible_collections


def field_layers(user) -> list[type[Layer]]:
    """Layers the user may see (the OGC gate's answer for a member of staff), in registry order."""
    visible = visible_collections(Caller("staff", user=user))
    return [layer for layer in all_layers() if layer.name in visible]


def layer_can_edit(user, layer: type[Layer]) -> bool:
    return user_can(user, layer_resource(layer), "edit")


def field_forms(user) -> dict[str, dict]:
    """The attribute forms of the layers the user may edit (the map editor's form schema, without
    the version span the services set: a surveyor never types it)."""
    from layers.models.history import SPAN_FIELDS

    forms = {}
    for layer in field_layers(user):
        if layer_can_edit(user, layer):
            fields = [f for f in form_schema(layer) if f["field"] not in SPAN_FIELDS]
            forms[layer.name] = {"geometry": layer.geometry_type(), "fields": fields}
    return forms


def _lonlat_box(bbox: tuple[float, float, float, float], layer: type[Layer]) -> Polygon:
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    return box.transform(layer.geometry().srid, clone=True)


def feature_versions(layer: type[Layer], bbox: tuple[float, float, float, float]) -> dict[int, int]:
    """tucbsNo -> version of the layer's features meeting the lon/lat box (an index scan)."""
    rows = layer.model.objects.filter(**{f"{layer.geometry_field}__intersects": _lonlat_box(bbox, layer)})
    return dict(rows.values_list("tucbs_no", "version"))


def feature_for_device(layer: type[Layer], instance: Model) -> dict[str, Any]:
    """The feature as GeoJSON in CRS84 with its version (the same properties as the OGC API)."""
    props = {name: getattr(instance, f.attname) for name, f in layer.properties().items()}
    geom = getattr(instance, layer.geometry_field).transform(4326, clone=True)
    feature = {"type": "Feature", "id": instance.tucbs_no, "version": instance.version,
               "geometry": json.loads(geom.geojson), "properties": props}
    return json.loads(json.dumps(feature, cls=DjangoJSONEncoder))


def current_feature(layer_name: str, tucbs_no: int) -> dict[str, Any] | None:
    layer = get_layer(layer_name)
    instance = layer.model.objects.filter(tucbs_no=tucbs_no).first()
    return feature_for_device(layer, instance) if instance is not None else None


def neighbourhood_boxes() -> list[dict[str, Any]]:
    """Every mahalle with its lon/lat bounding box, to prepare an area by name."""
    from django.contrib.gis.db.models.functions import Transform

    from layers.models import Mahalle

    rows = (Mahalle.objects.filter(idari_hiyerarsi_duzey_kodu="mahalle")
            .annotate(lonlat=Transform("geom", 4326)).order_by("adi"))
    return [{"name": m.adi, "bbox": [round(v, 6) for v in m.lonlat.extent]} for m in rows]
