"""OGC API – Tiles: Mapbox vector tiles of a collection, built by PostGIS (ST_AsMVT).

Integer SRIDs throughout; the tile envelope is transformed to the storage CRS (the column is
only transformed for the output). Tiles are cached per layer *generation*: every write to a
layer bumps it (layers.services), so a changed feature never shows stale in a tile.
"""

from __future__ import annotations

import math
from http import HTTPStatus

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cbs import prepared
from cbs.audit.middleware import access_identity
from cbs.audit.services import access_record_insert
from cbs.db import read_alias
from layers.registry import Layer, get_layer
from layers.state import LayerState, layer_state

from . import tile_store, views
from .crs import storage_area_bounds

TMS = "WebMercatorQuad"
MVT = "application/vnd.mapbox-vector-tile"
EXTENT, BUFFER, MAX_ZOOM = 4096, 64, 22


def tile_lonlat_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """West, south, east, north of a WebMercatorQuad tile in degrees."""
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_sql(layer: type[Layer]) -> str:
    """SQL for one tile: params (z, x, y, segment, minx, miny, maxx, maxy) of the clipped envelope."""
    qn = connection.ops.quote_name
    meta = layer.meta()
    table = qn(meta.db_table)
    geom = qn(layer.geometry().column)
    srid = layer.geometry().srid
    props = []
    for name, field in layer.properties().items():
        column = f"t.{qn(field.column)}"
        kind = field.get_internal_type()
        if kind in ("DateField", "DateTimeField", "DecimalField"):
            column = f"{column}::text"  # MVT values are text, numbers or booleans
        props.append(f"{column} AS {qn(name)}")
    return f"""
        WITH env AS (SELECT ST_TileEnvelope(%s, %s, %s) AS g),
        area AS (
            SELECT ST_Transform(ST_Intersection(
                ST_Segmentize(ST_Transform(env.g, 4326), %s),
                ST_MakeEnvelope(%s, %s, %s, %s, 4326)), {int(srid)}) AS g
            FROM env
        ),
        q AS (
            SELECT ST_AsMVTGeom(ST_Transform(t.{geom}, 3857), env.g, {EXTENT}, {BUFFER}, true) AS mvt,
                   {", ".join(props)}
            FROM {table} t, env, area
            WHERE t.{geom} && area.g
        )
        SELECT ST_AsMVT(q.*, %s, {EXTENT}, 'mvt', 'tucbsNo') FROM q WHERE q.mvt IS NOT NULL
    """  # noqa: S608  (identifiers come from the registry, values are bound)


def render_tile(layer: type[Layer], z: int, x: int, y: int) -> bytes:
    """The tile's bytes from PostGIS (empty when the tile lies outside the storage CRS's area);
    from the read replica when cbs.db allows (it has replayed the generation the tile is cached
    under)."""
    west, south, east, north = tile_lonlat_bounds(z, x, y)
    area = storage_area_bounds(layer.geometry().srid, 4326)
    a = (max(west, area[0]), max(south, area[1]), min(east, area[2]), min(north, area[3]))
    if a[0] >= a[2] or a[1] >= a[3]:
        return b""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(tile_sql(layer), [z, x, y, (east - west) / 16, *a, layer.name])
        return bytes(cursor.fetchone()[0] or b"")


def render_and_record(request: HttpRequest, layer: type[Layer], z: int, x: int, y: int) -> bytes | None:
    """render_tile() and the request's access record in one statement, one round trip instead
    of two; None when that does not apply (a read replica serves the tile: access records are
    written on the primary) and the caller renders as usual. The record is the one the
    access-log middleware would write (status 200, or 204 for an empty tile; its bytes)."""
    if read_alias() != DEFAULT_DB_ALIAS:
        return None
    west, south, east, north = tile_lonlat_bounds(z, x, y)
    area = storage_area_bounds(layer.geometry().srid, 4326)
    a = (max(west, area[0]), max(south, area[1]), min(east, area[2]), min(north, area[3]))
    if a[0] >= a[2] or a[1] >= a[3]:
        return None
    relaxed = not connection.in_atomic_block  # as cbs.audit.chain: an access record's own commit
    user, institution = access_identity(request)
    insert, insert_params = access_record_insert(
        method=request.method, path=request.get_full_path(), user=user, institution=institution,
        source="tile, cfg" if relaxed else "tile",
        computed={"status": "CASE WHEN octet_length(tile.t) > 0 THEN 200 ELSE 204 END",
                  "bytes": "octet_length(tile.t)"})
    cfg = "cfg AS (SELECT set_config('synchronous_commit', 'off', true)), " if relaxed else ""
    sql = (f"WITH {cfg}tile(t) AS (SELECT coalesce(m.mvt, ''::bytea) FROM ({tile_sql(layer)}) AS m(mvt)), "
           f"logged AS ({insert}) SELECT t FROM tile")
    # The text is the same for every tile of the layer: planned once per connection (cbs.prepared).
    data = bytes(prepared.fetchone(sql, [int(z), int(x), int(y), (east - west) / 16, *a, layer.name,
                                         *insert_params])[0])
    request.cbs_access_recorded = True
    return data


def layer_generation(layer: type[Layer], state: LayerState | None = None) -> int:
    return (state or layer_state()).generations.get(layer.name, 0)


def _tile_links(request: HttpRequest, layer: type[Layer]) -> dict:
    base = views._base_url(request)
    return {
        "title": str(layer.title),
        "tileMatrixSetURI": "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad",
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "links": [
            {"rel": "item", "type": MVT, "templated": True,
             "href": f"{base}/collections/{layer.name}/tiles/{TMS}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"},
            {"rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": "application/json",
             "href": f"{base}/tileMatrixSets/{TMS}"},  # local (ogc/tilematrixsets.py)
        ],
        "layers": [{"id": layer.name, "geometryType": layer.geometry_type(), "minzoom": 0,
                    "maxzoom": MAX_ZOOM}],
    }


@require_http_methods(["GET", "HEAD"])
@views.gated
def tilesets(request: HttpRequest, collection_id: str) -> HttpResponse:
    """The collection's tilesets (one: WebMercatorQuad vector tiles)."""
    if collection_id not in request.cbs_visible:
        return views.not_found()
    return JsonResponse({"tilesets": [_tile_links(request, get_layer(collection_id))]},
                        json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "HEAD"])
@views.gated
def tileset(request: HttpRequest, collection_id: str, tms: str) -> HttpResponse:
    if collection_id not in request.cbs_visible or tms != TMS:
        return views.not_found()
    return JsonResponse(_tile_links(request, get_layer(collection_id)),
                        json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "HEAD"])
@views.gated
def tile(request: HttpRequest, collection_id: str, tms: str, z: int, y: int, x: int) -> HttpResponse:
    """One vector tile; cached until the layer's data changes."""
    if collection_id not in request.cbs_visible:
        return views.not_found()
    if tms != TMS or not (0 <= z <= MAX_ZOOM and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return views.ogc_error(HTTPStatus.NOT_FOUND, "NotFound", _("No such tile."))
    layer = get_layer(collection_id)
    generation = layer_generation(layer, request.cbs_state)
    tag = f'"g{generation}"'
    if request.META.get("HTTP_IF_NONE_MATCH") == tag:
        response = HttpResponse(status=HTTPStatus.NOT_MODIFIED)
    else:
        data = tile_store.get(layer.name, generation, z, x, y)
        if data is None:
            data = render_and_record(request, layer, z, x, y)
            if data is None:
                data = render_tile(layer, z, x, y)
            tile_store.put(layer.name, generation, z, x, y, data)
        response = HttpResponse(data, content_type=MVT,
                                status=HTTPStatus.OK if data else HTTPStatus.NO_CONTENT)
    response["ETag"] = tag
    return response
