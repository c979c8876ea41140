"""`make bench`: OGC items endpoint vs raw PostGIS vs stock pygeoapi, in one run, one database.

Not a test: it measures and writes bench/results/ogc-items-<timestamp>.{md,json}.
The bench database is topped up to 10 000 buildings and door numbers by copying sample rows
(shifted 6 km east) with SQL: a benchmark fixture, not an application write.
"""

import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

TARGET = 10_000
BBOX = (28.895, 40.99, 28.91, 41.005)
REPEAT = int(os.environ.get("CBS_BENCH_REPEAT", "15"))
RESULTS = Path(__file__).resolve().parent / "results"


def top_up(table: str, target: int = TARGET) -> None:
    """Copy rows (new ids, shifted east) until the table holds `target` rows."""
    while _top_up_once(table, target):
        pass


def _top_up_once(table: str, target: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(id), max(\"tucbsNo\") FROM {table}")  # noqa: S608
        count, _max_id, max_no = cursor.fetchone()
        if count >= target:
            return False
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('id', 'tucbsNo', 'geom') ORDER BY ordinal_position", [table])
        columns = [row[0] for row in cursor.fetchall()]
        # Unique values derived from the new tucbsNo, so no round can collide with another.
        unique = {"binaKimlikNo": f'100000000 + "tucbsNo" + {max_no}',
                  "uavtAdresNo": f'2000000000 + "tucbsNo" + {max_no}'}
        select = ", ".join(unique.get(c, f'"{c}"') for c in columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f'INSERT INTO {table} ("tucbsNo", geom, {quoted}) '  # noqa: S608
            f'SELECT "tucbsNo" + {max_no}, ST_Translate(geom, {6000.0 * max_no / 4000}, 0), {select} '
            f'FROM {table} ORDER BY id LIMIT {target - count}')
        cursor.execute(f"ANALYZE {table}")
        return True


def timed(fn, repeat: int = REPEAT) -> dict:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2), "features": out}


BBOX_WHERE = "WHERE geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 5254)"


def sql_runner(sql: str, params: list):
    """A timed callable running `sql`, which returns (feature count, GeoJSON text)."""
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count, text = cursor.fetchone()
        assert text.endswith("]}")
        return count
    return run


def raw_sql(table: str, columns: list[str], limit: int, bbox=None):
    """The usual raw PostGIS query: json_agg over ST_AsGeoJSON(record)."""
    props = ", ".join(f'"{c}"' for c in columns)
    sql = (
        "SELECT count(*), json_build_object('type', 'FeatureCollection', 'features', "
        "coalesce(json_agg(ST_AsGeoJSON(t.*, 'geom', 8)::json), '[]'::json))::text FROM ("
        f'SELECT {props}, ST_Transform(geom, 4326) AS geom FROM {table} {BBOX_WHERE if bbox else ""} '
        f'ORDER BY "tucbsNo" LIMIT {limit}) t'
    )
    return sql_runner(sql, list(bbox or []))


def raw_sql_text(table: str, columns: list[str], limit: int, bbox=None):
    """The floor: the same text-concatenating SQL our provider issues, without Django/pygeoapi."""
    pairs = ", ".join(f"'{c}', \"{c}\"" for c in columns)
    sql = (
        "SELECT count(*), '{\"type\":\"FeatureCollection\",\"features\":[' || "
        "coalesce(string_agg('{\"type\":\"Feature\",\"id\":' || \"tucbsNo\" || ',\"geometry\":' || "
        "ST_AsGeoJSON(ST_Transform(geom, 4326), 8) || ',\"properties\":' || "
        f"json_build_object({pairs})::text || '}}', ','), '') || ']}}' FROM ("
        f'SELECT * FROM {table} {BBOX_WHERE if bbox else ""} ORDER BY "tucbsNo" LIMIT {limit}) t'
    )
    return sql_runner(sql, list(bbox or []))


def ours(client: Client, layer: str, params: dict):
    def run():
        response = client.get(f"/ogc/collections/{layer}/items", params)
        assert response.status_code == 200, response.content[:300]
        return response.content.count(b'{"type":"Feature"')
    return run


def stock_pygeoapi(layer_name: str, params: dict):
    """pygeoapi's own PostgreSQL provider over the same table, through the same core function."""
    from copy import deepcopy

    import pygeoapi.api.itemtypes as itemtypes_api
    from pygeoapi.api import API, APIRequest
    from pygeoapi.openapi import get_oas

    from layers.registry import get_layer
    from ogc.config import build_config

    layer = get_layer(layer_name)
    cfg = deepcopy(build_config(frozenset([layer_name])))
    db = connection.settings_dict
    provider = cfg["resources"][layer_name]["providers"][0]
    provider.update({
        "name": "PostgreSQL",
        "data": {"host": db["HOST"] or "localhost", "port": int(db["PORT"] or 5432),
                 "dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"] or ""},
        "table": layer.meta().db_table, "id_field": "tucbsNo", "geom_field": "geom",
    })
    provider.pop("title_field", None)
    api = API(cfg, get_oas(cfg))
    factory = RequestFactory()

    def run():
        request = factory.get(f"/ogc/collections/{layer_name}/items", params)
        api_request = APIRequest.from_django(request, api.locales)
        _headers, status, content = itemtypes_api.get_collection_items(api, api_request, layer_name)
        assert status == 200, content[:300]
        return json.loads(content)["numberReturned"]
    return run


def bench_tiles(client: Client) -> list[tuple[str, float]]:
    """One z14 tile over the sample: raw ST_AsMVT, our endpoint uncached and cached."""
    from ogc import tile_store

    from layers.registry import get_layer
    from ogc.tiles import render_tile, tile_lonlat_bounds, tile_sql

    layer = get_layer("bi-bina")
    z, x, y = 14, 9507, 6142
    url = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{z}/{y}/{x}"

    def raw():  # the floor: our tile SQL, run bare
        west, south, east, north = tile_lonlat_bounds(z, x, y)
        with connection.cursor() as cursor:
            cursor.execute(tile_sql(layer), [z, x, y, (east - west) / 16, west, south, east, north,
                                             layer.name])
            return len(cursor.fetchone()[0])

    def uncached():
        tile_store.clear()
        response = client.get(url)
        assert response.status_code == 200
        return len(response.content)

    def cached():
        response = client.get(url)
        assert response.status_code == 200
        return len(response.content)

    assert tile_sql(layer) and render_tile(layer, z, x, y)
    import gc

    gc.collect()  # the items cases before leave large garbage; don't time its collection here
    rows = [("raw ST_AsMVT (our tile SQL, bare)", timed(raw)["median_ms"]),
            ("Kent CBS tile, not cached (all attributes)", timed(uncached)["median_ms"]),
            ("Kent CBS tile, cached (median of 300)", timed(cached, 300)["median_ms"])]
    for label, value in rows:
        print(f"tile: {label:45} {value:7.2f} ms", flush=True)
    return rows


def bench_big_table_tile(client: Client) -> list[tuple[str, float]]:
    """The same z14 tile once bi-bina holds 1 000 000 rows (copies far east; the index works)."""
    from ogc import tile_store

    from layers.registry import get_layer
    from ogc.tiles import tile_lonlat_bounds, tile_sql

    rows_wanted = int(os.environ.get("CBS_BENCH_BIG_ROWS", "1000000"))
    started = time.perf_counter()
    top_up("layers_bina", rows_wanted)
    print(f"bi-bina topped up to {rows_wanted} rows in {time.perf_counter() - started:.0f} s", flush=True)
    layer = get_layer("bi-bina")
    z, x, y = 14, 9507, 6142
    url = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{z}/{y}/{x}"
    west, south, east, north = tile_lonlat_bounds(z, x, y)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(tile_sql(layer), [z, x, y, (east - west) / 16, west, south, east, north,
                                             layer.name])
            return len(cursor.fetchone()[0])

    def uncached():
        tile_store.clear()
        return len(client.get(url).content)

    rows = [(f"raw ST_AsMVT, table of {rows_wanted} rows", timed(raw)["median_ms"]),
            (f"Kent CBS tile, not cached, table of {rows_wanted} rows", timed(uncached)["median_ms"])]
    for label, value in rows:
        print(f"tile: {label:45} {value:7.2f} ms", flush=True)
    return rows


def bench_first_render() -> list[tuple[str, float]]:
    """Time to the first complete render of /map/ in headless Chromium (a real server process)."""
    import socket
    import subprocess

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cbs.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        samples = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
            for _ in range(5):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/map/")
                page.wait_for_function("() => window.kentFirstRender !== undefined", timeout=30000)
                samples.append(page.evaluate("() => window.kentFirstRender"))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    value = round(statistics.median(samples), 1)
    print(f"map: first complete render {value} ms (median of 5, cold browser cache)", flush=True)
    return [("/map/ first complete render (headless Chromium, gunicorn 2×4)", value)]


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("load_samples", verbosity=0)
    top_up("layers_bina")
    top_up("layers_numarataj")
    from datetime import date

    from cbs.audit.context import acting_as
    from layers.models import PublicationState
    from layers.publication import publication_set
    from layers.registry import get_layer

    with acting_as("command:bench"):  # anonymous callers are measured: publish the two layers
        for name in ("bi-bina", "ad-numarataj"):
            publication_set(layer=get_layer(name), state=PublicationState.HERKESE_ACIK,
                            decision_number="bench", decision_date=date(2024, 1, 1))
    from ogc.config import clear_caches

    clear_caches()
    client = Client(HTTP_HOST="127.0.0.1")
    bbox = ",".join(map(str, BBOX))
    cases = []
    for layer_name, table in (("bi-bina", "layers_bina"), ("ad-numarataj", "layers_numarataj")):
        columns = list(get_layer(layer_name).properties())
        for label, limit, params, box in (
            (f"{TARGET} features", TARGET, {"limit": TARGET}, None),
            ("bbox (~1000 features)", TARGET, {"limit": TARGET, "bbox": bbox}, BBOX),
        ):
            row = {"layer": layer_name, "case": label,
                   "raw_postgis": timed(raw_sql(table, columns, limit, box)),
                   "raw_floor": timed(raw_sql_text(table, columns, limit, box)),
                   "kent_cbs": timed(ours(client, layer_name, params)),
                   "stock_pygeoapi": timed(stock_pygeoapi(layer_name, params))}
            raw = row["raw_postgis"]["median_ms"]
            row["kent_ratio"] = round(row["kent_cbs"]["median_ms"] / raw, 2)
            row["kent_floor_ratio"] = round(row["kent_cbs"]["median_ms"] / row["raw_floor"]["median_ms"], 2)
            row["stock_ratio"] = round(row["stock_pygeoapi"]["median_ms"] / raw, 2)
            cases.append(row)
            print(f"{layer_name:13} {label:22} raw {raw:7.1f} ms | floor "
                  f"{row['raw_floor']['median_ms']:7.1f} ms | ours "
                  f"{row['kent_cbs']['median_ms']:7.1f} ms ({row['kent_ratio']}x) | stock "
                  f"{row['stock_pygeoapi']['median_ms']:7.1f} ms ({row['stock_ratio']}x)", flush=True)
    tile_rows = bench_tiles(client)
    render_rows = bench_first_render()
    big_rows = bench_big_table_tile(client)
    from django.contrib.auth import get_user_model

    from bench.tickets import bench_tickets

    desk, _created = get_user_model().objects.get_or_create(username="bench-superuser",
                                                            defaults={"is_superuser": True, "is_staff": True})
    ticket_rows = bench_tickets(timed, desk)
    from bench.imports import bench_import

    import_rows = bench_import(int(os.environ.get("CBS_BENCH_IMPORT_ROWS", "1000000")))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"ogc-items-{stamp}.json").write_text(json.dumps(cases, indent=2))
    lines = [
        f"# OGC items benchmark {stamp}", "",
        f"Median of {REPEAT} runs after a warm-up, in-process (Django test client / psycopg), "
        "one database, 2-core machine. Features = number returned. Our endpoint includes the "
        "access gate and the chained access-log write of every request.", "",
        "raw PostGIS = the usual `json_agg(ST_AsGeoJSON(row)::json)` query; floor = the same "
        "text-concatenating SQL our provider sends, run bare (no Django, no pygeoapi).", "",
        "| layer | case | raw PostGIS ms (n) | floor SQL ms | Kent CBS ms (n) | × raw | × floor "
        "| stock pygeoapi ms (n) | × raw |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in cases:
        lines.append(
            f"| {r['layer']} | {r['case']} | {r['raw_postgis']['median_ms']} ({r['raw_postgis']['features']}) "
            f"| {r['raw_floor']['median_ms']} "
            f"| {r['kent_cbs']['median_ms']} ({r['kent_cbs']['features']}) | {r['kent_ratio']} "
            f"| {r['kent_floor_ratio']} "
            f"| {r['stock_pygeoapi']['median_ms']} ({r['stock_pygeoapi']['features']}) | {r['stock_ratio']} |")
    lines += ["", "## Vector tiles (one z14 tile over the sample district)", "",
              "| case | ms (median) |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in tile_rows + big_rows]
    lines += ["", "## Map", "", "| case | ms (median) |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in render_rows]
    lines += ["", "## Help desk and reports (100 000 generated tickets; targets: pages < 150 ms, "
              "monthly report < 2 s)", "",
              "| case | ms (median) |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in ticket_rows]
    lines += ["", "## Import (GeoPackage of buildings; target: within 2× of ogr2ogr -f PostgreSQL)", "",
              "| case | seconds / ratio |", "|---|---|"]
    lines += [f"| {label} | {value:.2f} |" for label, value in import_rows]
    (RESULTS / f"ogc-items-{stamp}.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
