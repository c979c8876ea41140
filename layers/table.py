"""Reads for the attribute table: one page of a layer's features, sorted and filtered by published
attributes, by the map extent or a mahalle, with the labels the edit form uses.

Every attribute name in a request is looked up in the layer's published properties (the registry)
before the ORM sees it; values are converted by the model field (a bad value is a ValidationError
the view turns into a 400). Built on the ORM over the layer tables (not on pygeoapi).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import Envelope
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cbs.fold import Fold, fold_value
from cbs.hits import LonLatBox

from .registry import Layer

MAX_LIMIT = 500
SPAN = ("surumBaslangicZamani", "surumBitisZamani")  # written by the services, never by hand
OPERATORS = {
    "eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
    "contains": "~", "empty": "∅", "notempty": "*",
}
TEXT_TYPES = ("CharField", "TextField", "GenericIPAddressField")
NUMBER_TYPES = ("IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                "SmallIntegerField", "FloatField", "DecimalField")


def column_type(field: models.Field) -> str:
    """The kind of editor and filter a column gets: choice, ref, number, date, datetime, boolean, text."""
    if field.choices:
        return "choice"
    if field.is_relation:
        return "ref"
    kind = field.get_internal_type()
    if kind in NUMBER_TYPES:
        return "number"
    return {"DateField": "date", "DateTimeField": "datetime", "BooleanField": "boolean"}.get(kind, "text")


def _ref_name_field(field: models.Field) -> str | None:
    """The referenced model's name field (adi, kod), by which a reference is shown, sorted and searched."""
    names = {f.name for f in field.related_model._meta.concrete_fields}
    return next((n for n in ("adi", "kod") if n in names), None)


def table_columns(layer: type[Layer]) -> list[dict]:
    """The table's columns: published name, the form's label, type, code list, editable."""
    columns = []
    # The layer's own attributes first (as QGIS lists a layer's fields), the TUCBS version and
    # validity columns every layer carries after them; tucbsNo leads as the feature's number.
    fields = layer.properties()
    common = [f.column for f in layer.property_fields()[:len(layer.common_fields)]]
    order = ["tucbsNo", *[n for n in fields if n not in common], *[n for n in common if n != "tucbsNo"]]
    for name, field in ((n, fields[n]) for n in order):
        kind = column_type(field)
        entry = {"name": name, "label": capfirst(str(field.verbose_name)), "type": kind,
                 "editable": field.editable and name != "tucbsNo" and name not in SPAN and kind != "ref",
                 "required": not field.blank and not field.null and not field.has_default()}
        if field.choices:
            entry["choices"] = [[value, str(label)] for value, label in field.choices]
        if getattr(field, "max_length", None):
            entry["maxLength"] = field.max_length
        columns.append(entry)
    return columns


@dataclass(frozen=True)
class Filter:
    """One condition: a published property, an operator of OPERATORS, a value (text as typed)."""

    name: str
    op: str
    value: str = ""


def _field(layer: type[Layer], name: str) -> models.Field:
    field = layer.properties().get(name)
    if field is None:
        raise ValidationError(_("The layer has no attribute %(name)s.") % {"name": name[:60]})
    return field


def _typed(field: models.Field, raw: str) -> Any:
    """The value as the column stores it; a clear message when it cannot be one."""
    target = field.target_field if field.is_relation else field
    try:
        value = target.to_python(raw.strip())
    except ValidationError:
        raise ValidationError(_("%(value)s is not a valid value for %(label)s.")
                              % {"value": raw[:40], "label": field.verbose_name}) from None
    if isinstance(value, float | Decimal) and not value.is_finite():
        raise ValidationError(_("%(value)s is not a valid value for %(label)s.")
                              % {"value": raw[:40], "label": field.verbose_name})
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValidationError(_("%(value)s is not a valid value for %(label)s.")
                              % {"value": raw[:40], "label": field.verbose_name})
    return value


def _condition(layer: type[Layer], item: Filter) -> Q:
    field = _field(layer, item.name)
    if item.op not in OPERATORS:
        raise ValidationError(_("Unknown filter operator %(op)s.") % {"op": item.op[:20]})
    path = field.name
    if item.op == "empty":
        blank = Q(**{f"{path}__isnull": True})
        return blank | Q(**{path: ""}) if column_type(field) == "text" else blank
    if item.op == "notempty":
        return ~_condition(layer, Filter(item.name, "empty"))
    if item.op == "contains":
        if field.is_relation and _ref_name_field(field):
            path = f"{field.name}__{_ref_name_field(field)}"
        elif column_type(field) not in ("text", "choice"):
            raise ValidationError(_("“contains” needs a text attribute; use = for %(label)s.")
                                  % {"label": field.verbose_name})
        return Q(**{f"_folded_{field.name}__contains": fold_value(item.value.strip()[:100])}) \
            if not field.is_relation else Q(**{f"{path}__icontains": item.value.strip()[:100]})
    value = _typed(field, item.value)
    if item.op == "ne":
        return ~Q(**{path: value}) | Q(**{f"{path}__isnull": True})
    return Q(**{path if item.op == "eq" else f"{path}__{item.op}": value})


def table_queryset(*, layer: type[Layer], filters: list[Filter] = (), bbox: tuple | None = None,
                   mahalle: int | None = None, ids: list[int] | None = None) -> QuerySet:
    """The layer's features matching every filter, the CRS84 `bbox` (map extent), the mahalle
    (its tucbsNo; features intersecting it) and `ids` (tucbsNo list)."""
    qs = layer.model.objects.all()
    geom = layer.geometry_field
    for item in filters:
        field = _field(layer, item.name)
        if item.op == "contains" and not field.is_relation:
            # alias, not annotate: the folded text is only compared, never selected (so PostgreSQL
            # folds each candidate row once, in the index recheck, not again for the output).
            qs = qs.alias(**{f"_folded_{field.name}": Fold(field.name)})
        qs = qs.filter(_condition(layer, item))
    if bbox is not None:
        qs = qs.filter(**{f"{geom}__intersects": _lonlat_box(bbox)})
    if mahalle is not None:
        from .models import Mahalle

        area = Mahalle.objects.filter(tucbs_no=mahalle).values_list("geom", flat=True).first()
        if area is None:
            raise ValidationError(_("No such neighbourhood."))
        qs = qs.filter(**{f"{geom}__intersects": area})
    if ids is not None:
        qs = qs.filter(tucbs_no__in=ids)
    return qs


def _lonlat_box(bbox: tuple) -> Polygon:
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    return box


def sort_key(layer: type[Layer], name: str | None, descending: bool = False) -> list:
    """ORDER BY of a published property (references by their name), tucbsNo breaking ties."""
    tie = "-tucbs_no" if descending else "tucbs_no"
    if not name:
        return [tie]
    field = _field(layer, name)
    path = field.name
    if field.is_relation and _ref_name_field(field):
        path = f"{field.name}__{_ref_name_field(field)}"
    expression = models.F(path)
    return [expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True), tie]


def _display(field: models.Field, obj, value: Any, shown: dict) -> str | None:
    """The value as the form shows it: code-list label, referenced name, local date and time.
    `shown` remembers what one page already looked up: code-list labels by field, formatted
    dates and times by value (many rows share them)."""
    if value is None or value == "":
        return None
    if field.choices:
        if field not in shown:
            shown[field] = {code: str(label) for code, label in field.flatchoices}
        return shown[field].get(value, str(value))
    if field.is_relation:
        related = getattr(obj, field.name, None)
        return str(related) if related is not None else str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        if value not in shown:
            shown[value] = formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") \
                if isinstance(value, datetime.datetime) else formats.date_format(value, "SHORT_DATE_FORMAT")
        return shown[value]
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return None  # shown as it is


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def table_rows(layer: type[Layer], qs: QuerySet) -> list[dict]:
    """Rows of a (sliced) queryset: tucbsNo, version, CRS84 box, raw values and display labels."""
    fields = layer.properties()
    relations = [f.name for f in fields.values() if f.is_relation]
    qs = (qs.select_related(*relations).defer(layer.geometry_field)
          .annotate(_box=LonLatBox(Envelope(layer.geometry_field))))
    labels_of = {name: field for name, field in fields.items()
                 if field.choices or field.is_relation or column_type(field) in ("date", "datetime", "boolean")}
    shown: dict = {}
    rows = []
    for obj in qs:
        values, labels = {}, {}
        for name, field in fields.items():
            value = getattr(obj, field.attname)
            values[name] = _json_value(value)
            if name in labels_of:
                label = _display(field, obj, value, shown)
                if label is not None:
                    labels[name] = label
        box = obj._box
        row = {"id": obj.tucbs_no, "version": obj.version, "values": values, "labels": labels,
               "bbox": [round(v, 7) for v in box] if box and None not in box else None}
        if hasattr(obj, "_total"):
            row["_total"] = obj._total
        rows.append(row)
    return rows


def table_page(*, layer: type[Layer], filters: list[Filter] = (), bbox: tuple | None = None,
               mahalle: int | None = None, ids: list[int] | None = None, sort: str | None = None,
               descending: bool = False, offset: int = 0, limit: int = 100) -> dict:
    """{count, offset, limit, rows}: one page of the filtered, sorted features."""
    from django.db.models import Count, Window

    qs = table_queryset(layer=layer, filters=filters, bbox=bbox, mahalle=mahalle, ids=ids)
    order = sort_key(layer, sort, descending)
    limit = max(1, min(limit, MAX_LIMIT))
    if not (filters or bbox is not None or mahalle is not None or ids is not None):
        # The whole layer: a window count would carry every row (100 000 buildings) through the
        # sort; a plain count(*) is one quick scan and the page alone reads an index when sorted
        # by tucbsNo (the default).
        rows = table_rows(layer, qs.order_by(*order)[offset:offset + limit])
        return {"count": qs.count(), "offset": offset, "limit": limit, "rows": rows}
    # Filtered: every hit is found for the sort anyway, so the total comes with the page (a
    # window count runs before LIMIT): one scan, not two.
    page = qs.annotate(_total=Window(Count("pk"))).order_by(*order)[offset:offset + limit]
    rows = table_rows(layer, page)
    count = rows[0].pop("_total") if rows else (qs.count() if offset else 0)
    for row in rows:
        row.pop("_total", None)
    return {"count": count, "offset": offset, "limit": limit, "rows": rows}


def check_edit_values(layer: type[Layer], properties: dict) -> None:
    """Values a JSON client sent for attribute edits: scalars the column can take, text without
    control characters (PostgreSQL refuses NUL). ValidationError with a clear message otherwise;
    the services then validate the feature as a whole."""
    from cbs.text import CONTROL_CHARACTERS_MESSAGE, has_control_characters

    for name, value in properties.items():
        field = _field(layer, name)
        if value is None:
            continue
        bad = ValidationError(_("%(value)s is not a valid value for %(label)s.")
                              % {"value": str(value)[:40], "label": field.verbose_name})
        if not isinstance(value, str | int | float | bool):
            raise bad
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(f"{capfirst(str(field.verbose_name))}: {CONTROL_CHARACTERS_MESSAGE}")
        if isinstance(value, float) and not math.isfinite(value):
            raise bad
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            raise bad
        target = field.target_field if field.is_relation else field
        try:
            target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            raise bad from None
