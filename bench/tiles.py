"""Vector tiles in `make bench`: one z15 tile over the sample district (415 buildings at
100 000 rows), our tile SQL run bare ("raw ST_AsMVT") against our endpoint, uncached and cached.

"Uncached" = this tile's file removed between the timed requests, its folders kept (as for
most tiles on a site in use); also reported: the first tile of a layer generation (the cache
emptied before the request, so the request makes the folders), and the old way (before issue 16
the bench timed `tile_store.clear()` – an rmtree of the cache folder, ~15 ms on this machine's
overlay filesystem – as part of every "uncached" request, which explains most of the 2.2×). Raw and uncached run
interleaved, so load from other work hits both alike. A few SQL variants show where the SQL's
own time goes.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client

TILE = (15, 19014, 12285)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples), 2)


def _params(layer, z: int, x: int, y: int) -> list:
    """The parameters render_tile binds (the tile clipped to the storage CRS's area)."""
    from ogc.crs import storage_area
    from ogc.tiles import tile_lonlat_bounds

    west, south, east, north = tile_lonlat_bounds(z, x, y)
    area = storage_area(layer.geometry().srid, 4326).extent
    a = (max(west, area[0]), max(south, area[1]), min(east, area[2]), min(north, area[3]))
    return [z, x, y, (east - west) / 16, *a, layer.name]


def textbook_sql(layer) -> str:
    """The usual hand-written tile query: the tile envelope transformed straight to the storage
    CRS for the index, the same attributes (selects slightly different edge rows than ours,
    whose envelope is densified before the transformation)."""
    from ogc.tiles import tile_sql

    ours = tile_sql(layer)
    start = ours.index("AS mvt,") + len("AS mvt,")
    props = ours[start: ours.index("FROM ", start)].strip().rstrip(",")
    qn = connection.ops.quote_name
    geom = qn(layer.geometry().column)
    return f"""
        SELECT ST_AsMVT(q.*, %s, 4096, 'mvt', 'tucbsNo') FROM (
            SELECT ST_AsMVTGeom(ST_Transform(t.{geom}, 3857), ST_TileEnvelope(%s, %s, %s), 4096, 64, true)
                   AS mvt, {props}
            FROM {qn(layer.meta().db_table)} t
            WHERE t.{geom} && ST_Transform(ST_TileEnvelope(%s, %s, %s), {int(layer.geometry().srid)})
        ) q WHERE q.mvt IS NOT NULL"""  # noqa: S608


def geometry_only_sql(layer) -> str:
    """Our tile SQL without attributes: what the attribute columns cost."""
    from ogc.tiles import tile_sql

    ours = tile_sql(layer)
    start = ours.index("AS mvt,") + len("AS mvt")
    end = ours.index("FROM ", start)
    return ours[:start] + "\n            " + ours[end:].replace("'mvt', 'tucbsNo'", "'mvt'")


def bench_tile(client: Client, repeat: int, label: str = "") -> dict:
    from layers.registry import get_layer
    from ogc import tile_store
    from ogc.tiles import tile_sql

    layer = get_layer("bi-bina")
    z, x, y = TILE
    url = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{z}/{y}/{x}"
    params = _params(layer, z, x, y)
    ours_sql = tile_sql(layer)

    def raw() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute(ours_sql, params)
            return bytes(cursor.fetchone()[0])

    def sql(statement: str, args: list):
        def run() -> int:
            with connection.cursor() as cursor:
                cursor.execute(statement, args)
                return len(cursor.fetchone()[0] or b"")
        return run

    def request() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content

    with connection.cursor() as cursor:
        cursor.execute(ours_sql[:ours_sql.rindex("SELECT ST_AsMVT")]
                       + "SELECT count(*) FROM q WHERE q.mvt IS NOT NULL", params[:-1])
        features = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {layer.meta().db_table}")  # noqa: S608
        rows = cursor.fetchone()[0]
    tile_store.clear()
    identical = request() == raw()
    variants = {
        "textbook": sql(textbook_sql(layer), [layer.name, z, x, y, z, x, y]),
        "geometry only": sql(geometry_only_sql(layer), params),
    }
    samples: dict[str, list[float]] = {k: [] for k in (
        "raw", "uncached", "cached, same loop", "uncached, new folders", "uncached, clear timed",
        "cached", *variants)}
    for _ in range(2):  # warm-up
        raw()
        tile_store.clear()
        request()
    cached_file = next(tile_store.root().glob(f"{layer.name}/*/{z}/{x}/{y}.mvt"))
    for _ in range(repeat):
        start = time.perf_counter()
        raw()
        samples["raw"].append((time.perf_counter() - start) * 1000)
        cached_file.unlink()  # not timed: this tile is not cached, its folders exist
        start = time.perf_counter()
        request()
        samples["uncached"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()  # the same tile, now cached: the request path around the SQL
        request()
        samples["cached, same loop"].append((time.perf_counter() - start) * 1000)
        tile_store.clear()  # not timed: the first tile of a layer generation makes its folders
        start = time.perf_counter()
        request()
        samples["uncached, new folders"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()  # the old way: the cache emptied inside the timing
        tile_store.clear()
        request()
        samples["uncached, clear timed"].append((time.perf_counter() - start) * 1000)
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    for _ in range(300):
        start = time.perf_counter()
        request()
        samples["cached"].append((time.perf_counter() - start) * 1000)
    data = raw()
    put_samples = []
    for i in range(repeat):  # writing one tile into the cache (folders exist, as on a busy site)
        start = time.perf_counter()
        tile_store.put(layer.name, 10**9, z, x, y + 1 + i, data)
        put_samples.append((time.perf_counter() - start) * 1000)
    tile_store.clear()
    medians = {k: _median_ms(v) for k, v in samples.items()}
    medians["tile_store.put"] = _median_ms(put_samples)
    out = {"tile": f"{z}/{x}/{y}", "table_rows": rows, "features": features, "bytes": len(data),
           "identical": identical, "medians": medians,
           "ratio": round(medians["uncached"] / medians["raw"], 2),
           "ratio_old_method": round(medians["uncached, clear timed"] / medians["raw"], 2)}
    print(f"tile{label} z{z} ({features} features, {rows} rows): raw {medians['raw']} ms | uncached "
          f"{medians['uncached']} ms ({out['ratio']}x) | old method {medians['uncached, clear timed']} ms | "
          f"cached {medians['cached']} ms | textbook {medians['textbook']} ms | geometry only "
          f"{medians['geometry only']} ms | put {medians['tile_store.put']} ms", flush=True)
    return out


def markdown(results: list[dict]) -> list[str]:
    lines = ["| table rows | tile (features, bytes) | raw ST_AsMVT (our tile SQL, bare) ms | uncached ms "
             "| uncached / raw (target ≤ 1.5) | cached ms | first tile of a generation (makes its "
             "folders) ms | old method: cache emptied inside the timing ms (÷ raw) | same bytes |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        m = r["medians"]
        lines.append(f"| {r['table_rows']} | z{r['tile']} ({r['features']}, {r['bytes']}) | {m['raw']} | "
                     f"{m['uncached']} | {r['ratio']} | {m['cached']} | {m['uncached, new folders']} | "
                     f"{m['uncached, clear timed']} ({r['ratio_old_method']}) | "
                     f"{'yes' if r['identical'] else 'NO'} |")
    lines += ["", "Where the tile's time goes (medians, same loop): "]
    for r in results:
        m = r["medians"]
        lines.append(f"- {r['table_rows']} rows: our SQL {m['raw']} ms; the textbook query "
                     f"(envelope transformed straight to the storage CRS) {m['textbook']} ms; our SQL "
                     f"without the attributes {m['geometry only']} ms; writing the tile into the cache "
                     f"{m['tile_store.put']} ms; the request around the SQL ≈ the cached path: "
                     f"{m['cached, same loop']} ms measured in the same loop (gate, state query, "
                     f"access record, file read), {m['cached']} ms in a tight loop of 300.")
    return lines
