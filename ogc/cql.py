"""CQL2 filters, checked against a layer's published attributes before pygeofilter or the ORM
sees them.

pygeofilter's Django backend maps an attribute name it does not know to a Django field path
(`parseller__ada_no`, `maintenance__technician__password`), so a filter could read any table.
Here every name must be one of the layer's queryables (its published properties and
`geometry`, exactly as `/queryables` lists them), every comparison must be between compatible
types, and geometry literals are moved into the storage CRS in x/y order, from `filter-crs`
(default CRS84, lon/lat) with that CRS's own axis order, as `bbox-crs` is read.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from pygeofilter import ast, values

from layers.registry import Layer

from .crs import CRS84, axis_swapped, offered_uris, srid_of
from .params import BadParameter
from .schema import json_type

GEOMETRY = "geometry"  # the queryable's name, as pygeoapi lists it
MAX_CHARS = 20_000
MAX_NODES = 500
MAX_VERTICES = 10_000
MAX_IN_OPTIONS = 1_000
LANGUAGES = {None, "cql2-text", "cql2-json", "cql-text", "cql-json"}
# Distances in metres; the storage CRS is a metric TM zone.
UNITS = {"meters": 1.0, "metres": 1.0, "m": 1.0, "kilometers": 1000.0, "km": 1000.0}
RELATE_PATTERN = re.compile(r"^[012TF*]{9}$")
PG_BIGINT = 2**63 - 1

NUMERIC = {"integer", "number"}
TEMPORAL = {"date", "date-time"}


class _Refused(Exception):
    """A filter that cannot be applied; str(self) is the translated reason."""


def _kind_of_field(field: models.Field) -> str:
    kind = json_type(field)
    return kind.get("format") if kind.get("format") in TEMPORAL else kind["type"]


def queryable_kinds(layer: type[Layer]) -> dict[str, str]:
    """Queryable name -> kind (integer, number, boolean, string, date, date-time, geometry)."""
    kinds = {name: _kind_of_field(f) for name, f in layer.properties().items()}
    kinds[GEOMETRY] = "geometry"
    return kinds


def field_mapping(layer: type[Layer]) -> dict[str, str]:
    """Queryable name -> model field path; only these names ever reach pygeofilter."""
    mapping = {name: f.attname for name, f in layer.properties().items()}
    mapping[GEOMETRY] = layer.geometry_field
    return mapping


def parse_filter(params: QueryDict, layer: type[Layer]):
    """The request's filter as a checked pygeofilter tree (geometries in the storage CRS), or None.

    Raises BadParameter with a translated message for anything that cannot be applied."""
    raw, lang, crs = params.get("filter"), params.get("filter-lang"), params.get("filter-crs")
    if lang not in LANGUAGES:
        raise BadParameter(_("Unsupported filter-lang %(lang)s. Supported: cql2-text, cql2-json")
                           % {"lang": lang})
    crs = crs or CRS84
    if srid_of(crs) is None:
        raise BadParameter(_("Unsupported filter-crs %(crs)s. Supported: %(list)s")
                           % {"crs": crs, "list": ", ".join(offered_uris())})
    if raw is None:
        return None
    if not raw.strip():
        raise BadParameter(_("The filter is empty."))
    if len(raw) > MAX_CHARS:
        raise BadParameter(_("The filter is longer than %(max)d characters.") % {"max": MAX_CHARS})
    tree = _parse(raw, lang)
    try:
        return _Checker(layer, crs).check(tree)
    except _Refused as exc:
        raise BadParameter(str(exc)) from None
    except RecursionError:
        raise BadParameter(_("The filter is nested too deeply.")) from None


def _parse(raw: str, lang: str | None):
    from pygeofilter.parsers.cql2_json import parse as parse_json
    from pygeofilter.parsers.cql2_text import parse as parse_text

    try:
        if lang in ("cql2-json", "cql-json"):
            return parse_json(json.loads(raw))
        return parse_text(raw)
    except RecursionError:
        raise BadParameter(_("The filter is nested too deeply.")) from None
    except Exception:  # lark and json raise many kinds; none of them is our fault
        raise BadParameter(_("The filter could not be read as %(lang)s.")
                           % {"lang": lang or "cql2-text"}) from None


def to_q(tree, layer: type[Layer]) -> models.Q:
    """A checked tree (from parse_filter) as a Django Q object."""
    from pygeofilter.backends.django import to_filter

    return to_filter(tree, field_mapping(layer))


def _like_without_text(node: ast.Like):
    """LIKE '' / LIKE '%' as predicates pygeofilter can build (its Django backend makes no Q of a
    pattern without text: a 500)."""
    if node.pattern == "":  # only the empty text
        return (ast.NotEqual if node.not_ else ast.Equal)(node.lhs, "")
    present = ast.IsNull(node.lhs, True)  # '%': any text, never NULL
    return ast.And(present, ast.IsNull(node.lhs, False)) if node.not_ else present


class _Checker:
    """Walks a parsed filter: names, types, sizes; rewrites geometry literals in place."""

    def __init__(self, layer: type[Layer], crs_uri: str):
        self.kinds = queryable_kinds(layer)
        self.storage_srid = layer.geometry().srid
        self.crs_uri = crs_uri
        self.nodes = 0

    def check(self, node):
        return self._predicate(node)

    # --- predicates ---------------------------------------------------------------------------
    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(_("The filter has more than %(max)d parts.") % {"max": MAX_NODES})

    def _predicate(self, node):
        """The node, checked (and rewritten where needed)."""
        self._count()
        if isinstance(node, ast.Not):
            node.sub_node = self._predicate(node.sub_node)
        elif isinstance(node, ast.Combination):
            node.lhs, node.rhs = self._predicate(node.lhs), self._predicate(node.rhs)
        elif isinstance(node, ast.Comparison):
            self._comparison(node)
        elif isinstance(node, ast.Between):
            kind = self._scalar(node.lhs)
            if kind not in NUMERIC | TEMPORAL:
                raise _Refused(_("BETWEEN needs a number or a date."))
            node.low = self._compatible(node, "low", kind)
            node.high = self._compatible(node, "high", kind)
        elif isinstance(node, ast.Like):
            if self._scalar(node.lhs) != "string" or not isinstance(node.pattern, str):
                raise _Refused(_("LIKE compares text properties with a text pattern."))
            if not node.pattern.replace("%", ""):
                return _like_without_text(node)
        elif isinstance(node, ast.In):
            kind = self._scalar(node.lhs)
            if len(node.sub_nodes) > MAX_IN_OPTIONS:
                raise _Refused(_("IN may list at most %(max)d values.") % {"max": MAX_IN_OPTIONS})
            node.sub_nodes = [self._coerce(kind, option, _describe(node.lhs)) for option in node.sub_nodes]
        elif isinstance(node, ast.IsNull):
            self._expression(node.lhs)
        elif isinstance(node, ast.TemporalPredicate):
            self._temporal(node)
        elif isinstance(node, ast.SpatialComparisonPredicate | ast.Relate | ast.SpatialDistancePredicate):
            self._spatial(node)
        elif isinstance(node, ast.BBox):
            return self._bbox(node)
        else:
            raise _Refused(_("This filter cannot be applied."))
        return node

    def _comparison(self, node) -> None:
        left = self._scalar(node.lhs)
        if isinstance(node.rhs, ast.Attribute | ast.Arithmetic):
            right = self._scalar(node.rhs)
            if not _same_family(left, right):
                raise _Refused(_("%(a)s and %(b)s cannot be compared.")
                               % {"a": _describe(node.lhs), "b": _describe(node.rhs)})
            return
        node.rhs = self._compatible(node, "rhs", left)

    def _compatible(self, node, side: str, kind: str):
        value = getattr(node, side)
        if isinstance(value, ast.Attribute | ast.Arithmetic):
            other = self._scalar(value)
            if not _same_family(kind, other):
                raise _Refused(_("%(a)s and %(b)s cannot be compared.")
                               % {"a": _describe(node.lhs), "b": _describe(value)})
            return value
        return self._coerce(kind, value, _describe(node.lhs))

    def _temporal(self, node) -> None:
        kind = self._scalar(node.lhs)
        if kind not in TEMPORAL:
            raise _Refused(_("%(name)s is not a date.") % {"name": _describe(node.lhs)})
        name = _describe(node.lhs)
        if isinstance(node.rhs, values.Interval):
            for end in ("start", "end"):
                if getattr(node.rhs, end) is not None:
                    setattr(node.rhs, end, self._coerce(kind, getattr(node.rhs, end), name))
        else:
            node.rhs = self._coerce(kind, node.rhs, name)

    def _spatial(self, node) -> None:
        attribute, literal = node.lhs, node.rhs
        if not isinstance(attribute, ast.Attribute):
            attribute, literal = literal, attribute
        if not isinstance(attribute, ast.Attribute) or self._name(attribute) != "geometry":
            raise _Refused(_("Spatial conditions compare the property %(name)s with a geometry.")
                           % {"name": GEOMETRY})
        if isinstance(literal, ast.Attribute):
            if self._name(literal) != "geometry":
                raise _Refused(_("Spatial conditions compare the property %(name)s with a geometry.")
                               % {"name": GEOMETRY})
        else:
            literal = self._geometry(literal)
        node.lhs, node.rhs = attribute, literal
        if isinstance(node, ast.Relate) and not RELATE_PATTERN.match(str(node.pattern)):
            raise _Refused(_("RELATE needs a nine-character DE-9IM pattern."))
        if isinstance(node, ast.SpatialDistancePredicate):
            factor = UNITS.get(str(node.units).lower())
            if factor is None or not isinstance(node.distance, int | float) \
                    or not math.isfinite(node.distance) or node.distance < 0:
                raise _Refused(_("Distances are given in meters or kilometers, as a number ≥ 0."))
            node.distance, node.units = float(node.distance) * factor, "meters"

    def _bbox(self, node):
        """BBOX(geometry, …) as S_INTERSECTS with the envelope (pygeofilter's own BBOX
        assumes EPSG:4326), the numbers in the axis order of its CRS."""
        if not isinstance(node.lhs, ast.Attribute) or self._name(node.lhs) != "geometry":
            raise _Refused(_("Spatial conditions compare the property %(name)s with a geometry.")
                           % {"name": GEOMETRY})
        numbers = (node.minx, node.miny, node.maxx, node.maxy)
        if not all(isinstance(v, int | float) and _finite(v) for v in numbers):
            raise _Refused(_("BBOX needs four numbers."))
        box = values.Envelope(node.minx, node.maxx, node.miny, node.maxy)
        return ast.GeometryIntersects(ast.Attribute(GEOMETRY),
                                      self._geometry(box, crs_uri=node.crs or None))

    # --- expressions --------------------------------------------------------------------------
    def _name(self, node: ast.Attribute) -> str:
        name = node.name
        if name not in self.kinds:
            raise _Refused(_("Unknown property: %(name)s. Queryable: %(list)s")
                           % {"name": name, "list": ", ".join(self.kinds)})
        return self.kinds[name]

    def _expression(self, node) -> str:
        self._count()
        if isinstance(node, ast.Attribute):
            return self._name(node)
        if isinstance(node, ast.Arithmetic):
            for side in (node.lhs, node.rhs):
                if self._expression(side) not in NUMERIC:
                    raise _Refused(_("Arithmetic needs numbers."))
                if not isinstance(side, ast.Node):
                    _finite(side)
            return "number"
        raise _Refused(_("This filter cannot be applied."))

    def _scalar(self, node) -> str:
        """Kind of a property or arithmetic on the left of a comparison (not a geometry)."""
        if not isinstance(node, ast.Attribute | ast.Arithmetic):
            raise _Refused(_("A condition must start with a property name."))
        kind = self._expression(node)
        if kind == "geometry":
            raise _Refused(_("The property %(name)s is compared with spatial conditions only.")
                           % {"name": GEOMETRY})
        return kind

    def _coerce(self, kind: str, value, name: str):
        """A literal as a value of `kind` for the property `name`; _Refused when it is not one."""
        if isinstance(value, ast.Node) or isinstance(value, values.Geometry | values.Envelope):
            raise _Refused(_("This filter cannot be applied."))
        ok = False
        if kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) <= PG_BIGINT
            if isinstance(value, float) and value.is_integer() and abs(value) <= PG_BIGINT:
                value, ok = int(value), True
        elif kind == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)
        elif kind == "string":
            ok = isinstance(value, str)
        elif kind in TEMPORAL:
            value, ok = _as_temporal(kind, value)
        if not ok:
            raise _Refused(_("The value %(value)s does not fit %(name)s, a property of type %(kind)s.")
                           % {"value": _shown(value), "name": name, "kind": _kind_label(kind)})
        return value

    def _geometry(self, literal, *, crs_uri: str | None = None):
        if not isinstance(literal, values.Geometry | values.Envelope):
            raise _Refused(_("Spatial conditions compare the property %(name)s with a geometry.")
                           % {"name": GEOMETRY})
        source = dict(literal.geometry)
        ewkt_crs = (source.pop("crs", None) or {}).get("properties", {}).get("name")
        uri, already_xy = crs_uri or self.crs_uri, False
        if ewkt_crs:  # EWKT (SRID=…;) is always x/y, whatever the authority says
            uri, already_xy = _crs_uri(str(ewkt_crs)), True
        else:
            uri = _crs_uri(uri)
        srid = srid_of(uri)
        if srid is None:
            raise _Refused(_("Unsupported filter-crs %(crs)s. Supported: %(list)s")
                           % {"crs": uri, "list": ", ".join(offered_uris())})
        try:
            geometry = _geos(source, srid)
            if geometry.num_coords > MAX_VERTICES:
                raise _Refused(_("A filter geometry may have at most %(max)d vertices.")
                               % {"max": MAX_VERTICES})
            if not already_xy and axis_swapped(uri):
                geometry = _geos({"type": source["type"],
                                  "coordinates": _swap(source["coordinates"])}, srid)
            if not all(math.isfinite(v) for v in geometry.extent):
                raise _Refused(_("A filter geometry has coordinates that are not numbers."))
            if srid in (4326, 5252):
                minx, miny, maxx, maxy = geometry.extent
                if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
                    raise _Refused(_("A filter geometry lies outside longitude/latitude "
                                     "(filter-crs is %(crs)s).") % {"crs": uri})
            if srid != self.storage_srid:
                geometry.transform(self.storage_srid)
        except (GEOSException, GDALException, ValueError, TypeError, KeyError, IndexError):
            raise _Refused(_("A filter geometry could not be read or transformed.")) from None
        shape = json.loads(geometry.json)
        shape["crs"] = {"type": "name",
                        "properties": {"name": f"urn:ogc:def:crs:EPSG::{self.storage_srid}"}}
        return values.Geometry(shape)


def _geos(shape: dict, srid: int) -> GEOSGeometry:
    geometry = GEOSGeometry(json.dumps(shape))  # GeoJSON reads as EPSG:4326: say what it is
    geometry.srid = srid
    return geometry


def _crs_uri(text: str) -> str:
    """An offered CRS URI for the other spellings CQL2 clients use (EPSG:n, urn:…:EPSG::n)."""
    if text.endswith("CRS84"):
        return CRS84
    match = re.fullmatch(r"(?:EPSG:|urn:ogc:def:crs:EPSG::|urn:ogc:def:crs:EPSG:[\d.]*:)(\d+)", text)
    return f"http://www.opengis.net/def/crs/EPSG/0/{match.group(1)}" if match else text


def _swap(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        return [coordinates[1], coordinates[0], *coordinates[2:]]
    return [_swap(c) for c in coordinates]


def _finite(value) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused(_("The value %(value)s is not a finite number.") % {"value": value})
    return True


def _as_temporal(kind: str, value) -> tuple[object, bool]:
    """Dates and timestamps as CQL2 gives them (DATE()/TIMESTAMP()) or as ISO text."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value or " " in value \
                else dt.date.fromisoformat(value)
        except ValueError:
            return value, False
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        if offset is not None and abs(offset) > dt.timedelta(hours=14):
            return value, False
        return (value if offset is not None else value.replace(tzinfo=dt.UTC)), True
    if isinstance(value, dt.date):
        if kind == "date-time":
            return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC), True
        return value, True
    return value, False


def _same_family(a: str, b: str) -> bool:
    return a == b or {a, b} <= NUMERIC or {a, b} <= TEMPORAL


def _describe(node) -> str:
    return node.name if isinstance(node, ast.Attribute) else _("an arithmetic expression")


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "…"


def _kind_label(kind: str) -> str:
    return {
        "integer": _("integer"), "number": _("number"), "boolean": _("boolean (true/false)"),
        "string": _("text"), "date": _("date"), "date-time": _("date and time"),
        "geometry": _("geometry"),
    }[kind]
