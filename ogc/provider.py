"""Kent CBS feature provider for pygeoapi: GeoJSON built by PostGIS, over Django's connection.

Differences from pygeoapi's stock PostgreSQL provider, and why:
- uses Django's database connections (one pool, sees the test database and transaction): the
  read replica's when cbs.db.read_alias() says so, else the primary's;
- builds each Feature's JSON in SQL (ST_AsGeoJSON) and never counts the whole table;
- transforms the query envelope to the storage CRS (the column is never transformed for
  filtering, so the GiST index is used) and output with integer SRIDs;
- writes coordinates in the axis order of the requested CRS (EPSG:4326 lat/lon, TM N/E).
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet
from django.db import DataError, connection, connections, models, transaction
from django.utils.translation import gettext as _
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from cbs.db import read_alias
from layers.registry import Layer, get_layer

from . import context, cql
from .matched import number_matched
from .crs import axis_swapped, epsg_uri, srid_of, storage_area
from .schema import json_type

# Decimal digits kept in output: ~1 cm for degrees, 1 mm for metres.
DIGITS_DEGREES = 8
DIGITS_METRES = 3


def coerce(field: models.Field, raw: str) -> Any:
    """A query-string value as the field's Python type; ProviderInvalidQueryError if it isn't."""
    kind = json_type(field)
    try:
        if kind["type"] == "integer":
            return int(raw)
        if kind["type"] == "number":
            return Decimal(raw)
        if kind["type"] == "boolean":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1")
        if kind.get("format") == "date":
            return dt.date.fromisoformat(raw)
        if kind.get("format") == "date-time":
            value = dt.datetime.fromisoformat(raw)
            offset = value.utcoffset()
            if offset is not None and abs(offset) > dt.timedelta(hours=14):
                raise ValueError(raw)  # no place on Earth; PostgreSQL refuses it
            return value if offset is not None else value.replace(tzinfo=dt.UTC)
    except (ValueError, InvalidOperation) as exc:
        raise ProviderInvalidQueryError(
            user_msg=_("The value %(value)r is not valid for %(name)s.")
            % {"value": raw, "name": field.column}
        ) from exc
    return raw


def feature_sql(layer: type[Layer], target_uri: str, names: list[str], skip_geometry: bool) -> str:
    """SQL expression producing one GeoJSON Feature as text for the current row of the layer's
    table (or of rows selected under the table's name); ogc.fast_items builds the same text."""
    qn = connection.ops.quote_name
    table = qn(layer.meta().db_table)
    props = layer.properties()
    pairs = ", ".join(f"'{n}', {table}.{qn(props[n].column)}" for n in names)
    id_col = f"{table}.{qn('tucbsNo')}"
    if skip_geometry:
        geometry = "'null'"
    else:
        target = srid_of(target_uri)
        geom = f"{table}.{qn(layer.geometry().column)}"
        if target != layer.geometry().srid:
            geom = f"ST_Transform({geom}, {int(target)})"
        if axis_swapped(target_uri):
            geom = f"ST_FlipCoordinates({geom})"
        digits = DIGITS_DEGREES if target in (4326, 5252) else DIGITS_METRES
        geometry = f"ST_AsGeoJSON({geom}, {digits})"
    # Concatenating text avoids re-parsing each geometry as json.
    return (
        f"""'{{"type":"Feature","id":' || {id_col} || ',"geometry":' || {geometry} """
        f"""|| ',"properties":' || json_build_object({pairs})::text || '}}'"""
    )


class KentPostGISProvider(BaseProvider):
    """Feature provider over one registered layer (provider `data` = layer name)."""

    def __init__(self, provider_def: dict):
        super().__init__(provider_def)
        self.layer: type[Layer] = get_layer(provider_def["data"])
        self.storage_srid: int = self.layer.geometry().srid
        self.id_field = "tucbsNo"
        self._fields = self.get_fields()

    # --- schema ------------------------------------------------------------------------------
    def get_fields(self) -> dict[str, dict]:
        return {name: json_type(f) for name, f in self.layer.properties().items()}

    # --- SQL building --------------------------------------------------------------------------
    def _feature_sql(self, target_uri: str, names: list[str], skip_geometry: bool) -> str:
        return feature_sql(self.layer, target_uri, names, skip_geometry)

    def _queryset(self, *, bbox, properties, sortby, filterq) -> models.QuerySet | None:
        qs = self.layer.model.objects.all()
        envelope = self._envelope(bbox)
        if envelope is not None and envelope.empty:
            return None  # the bbox lies where the storage CRS is undefined: nothing matches
        if envelope is not None:
            qs = qs.filter(**{f"{self.layer.geometry_field}__bboverlaps": envelope})
        fields = self.layer.properties()
        for name, raw in properties or []:
            field = fields[name]
            qs = qs.filter(**{field.attname: coerce(field, raw)})
        ctx = context.current.get()
        if filterq is not None or (ctx is not None and ctx.filter is not None):
            qs = qs.filter(self._cql(filterq))
        order = [
            ("-" if s["order"] == "-" else "") + fields[s["property"]].attname for s in sortby or []
        ]
        return qs.order_by(*order, "tucbs_no")

    def _cql(self, filterq) -> models.Q:
        """The filter the adapter checked (ogc.cql); a filter that reached us any other way was
        checked by nobody, and pygeofilter would map unknown names to any Django field path."""
        ctx = context.current.get()
        if filterq is not None or ctx is None or ctx.filter is None:
            raise ProviderInvalidQueryError(user_msg=_("This filter cannot be applied."))
        try:
            return cql.to_q(ctx.filter, self.layer)
        except (ValueError, TypeError, KeyError) as exc:  # a combination pygeofilter cannot build
            raise ProviderInvalidQueryError(user_msg=_("This filter cannot be applied.")) from exc

    def _envelope(self, bbox: list | None) -> Polygon | None:
        """The query envelope with its own SRID; PostGIS transforms it to the storage CRS."""
        ctx = context.current.get()
        if ctx is not None and ctx.bbox is not None:
            envelope = Polygon.from_bbox(ctx.bbox)
            envelope.srid = ctx.bbox_srid
            # Clip to where the storage CRS is defined, so PostGIS can always transform it.
            clipped = envelope.intersection(storage_area(self.storage_srid, ctx.bbox_srid))
            clipped.srid = ctx.bbox_srid
            return clipped
        if not bbox:
            return None
        # Without our adapter, pygeoapi hands over the bbox in the storage CRS's axis order.
        minx, miny, maxx, maxy = bbox[:2] + bbox[-2:] if len(bbox) == 6 else bbox
        if axis_swapped(f"http://www.opengis.net/def/crs/EPSG/0/{self.storage_srid}"):
            minx, miny, maxx, maxy = miny, minx, maxy, maxx
        envelope = Polygon.from_bbox((minx, miny, maxx, maxy))
        envelope.srid = self.storage_srid
        return envelope

    def _run(self, qs: models.QuerySet, feature_sql: str) -> tuple[int, str]:
        """Row count and comma-joined Feature texts, in one round trip (replica or primary).

        The rows are chosen in a MATERIALIZED CTE and the Feature text is built over its rows
        under the table's own name (so `feature_sql` reads the CTE's columns). The CTE is planned
        on its own, by the cost of finding the rows. Built in the same query level, the
        expression's estimated cost (ST_Transform is declared COST 10000, ~26 units a row)
        dominated every plan, and a Gather Merge path counts its rows once per worker, without
        the leader's share (599 instead of 1 018 for the ~1 000-building bbox): at 100 000 rows
        PostgreSQL took a parallel sequential scan that looked cheaper and ran 3–4× slower than
        the spatial index (each parallel worker also loads PROJ again for ST_Transform).
        bench/results: the plans before and after at 100 000 and 1 000 000 rows."""
        alias = read_alias()
        try:
            sql, params = qs.query.sql_with_params()
        except EmptyResultSet:  # Django proved nothing can match (e.g. a negative unsigned value)
            return 0, ""
        table = connection.ops.quote_name(self.layer.meta().db_table)
        # The CTE scan hands the aggregate its rows in the CTE's (ORDER BY) order.
        query = (f"WITH _rows AS MATERIALIZED ({sql}) "  # noqa: S608
                 f"SELECT count(*), coalesce(string_agg({feature_sql}, ','), '') FROM _rows AS {table}")
        try:
            # In autocommit a failed statement harms nothing; inside a caller's transaction a
            # savepoint keeps it usable. (atomic() in autocommit costs BEGIN and COMMIT round trips.)
            reader = connections[alias]
            with transaction.atomic(using=alias) if reader.in_atomic_block else nullcontext(), \
                    reader.cursor() as cursor:
                cursor.execute(query, params)
                count, text = cursor.fetchone()
        except DataError as exc:  # a value PostgreSQL cannot take: the caller's mistake, not ours
            raise ProviderInvalidQueryError(user_msg=_("A query value is out of range.")) from exc
        return count, text

    def _target_uri(self, crs_transform_spec) -> str:
        # pygeoapi passes no spec when the requested CRS is the storage CRS.
        return crs_transform_spec.target_crs_uri if crs_transform_spec else epsg_uri(self.storage_srid)

    # --- pygeoapi provider contract ---------------------------------------------------------
    def query(self, offset=0, limit=10, resulttype="results", bbox=None, datetime_=None,
              properties=None, sortby=None, select_properties=None, skip_geometry=False,
              q=None, filterq=None, crs_transform_spec=None, **kwargs) -> dict:
        target_uri = self._target_uri(crs_transform_spec)
        names = list(self.layer.properties())
        if select_properties:
            names = [n for n in names if n in select_properties]
        qs = self._queryset(bbox=bbox, properties=properties, sortby=sortby, filterq=filterq)
        if qs is None:
            return {"type": "FeatureCollection", "features": [], "numberReturned": 0}
        if resulttype == "hits":
            # Counting is what the caller asked for here; only then is it done.
            return {"type": "FeatureCollection", "features": [],
                    "numberMatched": qs.using(read_alias()).count(),
                    "numberReturned": 0}
        page = qs[offset: offset + limit]
        count, text = self._run(page, self._feature_sql(target_uri, names, skip_geometry))
        ctx = context.current.get()
        filtered = bool(bbox or properties or filterq or (ctx and (ctx.bbox or ctx.filter)))
        matched = number_matched(qs=qs, filtered=filtered, offset=offset, limit=limit, returned=count)
        ctx = context.current.get()
        if ctx is not None and ctx.raw_features:
            # Placeholders keep len() right for pygeoapi's paging links; replaced by the adapter.
            features: list = [0] * count
            ctx.splice = ('"features":[' + ",".join(["0"] * count) + "]", f'"features":[{text}]')
        else:
            features = json.loads(f"[{text}]")
        result = {"type": "FeatureCollection", "features": features, "numberReturned": count}
        if matched is not None:
            result["numberMatched"] = matched
        return result

    def get(self, identifier, crs_transform_spec=None, **kwargs) -> dict:
        target_uri = self._target_uri(crs_transform_spec)
        try:
            tucbs_no = int(identifier)
        except (TypeError, ValueError):
            raise ProviderItemNotFoundError(user_msg=_("Feature not found.")) from None
        qs = self.layer.model.objects.filter(tucbs_no=tucbs_no)
        count, text = self._run(qs, self._feature_sql(target_uri, list(self.layer.properties()), False))
        if not count:
            raise ProviderItemNotFoundError(user_msg=_("Feature not found."))
        ctx = context.current.get()
        if ctx is not None and ctx.raw_features:
            # Geometry and properties stay SQL text; the adapter puts them where the marker is.
            body = text[text.index(',"geometry":') + 1: -1]
            ctx.splice = ('"__cbs_feature__":0', body)
            return {"type": "Feature", "id": tucbs_no, "__cbs_feature__": 0}
        return json.loads(text)
