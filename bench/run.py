"""`make bench`: OGC items endpoint vs raw PostGIS vs stock pygeoapi, in one run, one database.

Not a test: it measures and writes bench/results/ogc-items-<timestamp>.{md,json}.
The bench database is topped up to 100 000 buildings and door numbers (CBS_BENCH_ROWS) by
copying sample rows (shifted east) with SQL: a benchmark fixture, not an application write.
A bench database a run before this one left bigger is trimmed back to that size. The
1 000 000-row checks run in a database of their own (bench.bigtable, CBS_BENCH_BIG_DATABASE_URL).
CBS_BENCH_SECTIONS (comma-separated: items, plans, tiles, http, map, print, table, bigtable, tickets, mail, field, import, import,
ows)
runs only some sections; the default is all of them.
"""

import json
import os
import statistics
import subprocess
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

ROWS = int(os.environ.get("CBS_BENCH_ROWS", "100000"))  # buildings and door numbers in the table
LIMIT = 10_000  # features of the "10 000 features" case
BBOX = (28.895, 40.99, 28.91, 41.005)
REPEAT = int(os.environ.get("CBS_BENCH_REPEAT", "15"))
RESULTS = Path(__file__).resolve().parent / "results"
ALL_SECTIONS = ("items", "plans", "tiles", "http", "ows", "map", "print", "table", "bigtable", "tickets", "mail", "field", "import")
SECTIONS = set(filter(None, os.environ.get("CBS_BENCH_SECTIONS", ",".join(ALL_SECTIONS)).split(",")))


def top_up(table: str, target: int = ROWS) -> None:
    """Copy rows (new ids, shifted east) until the table holds `target` rows."""
    while _top_up_once(table, target):
        pass


def trim(table: str, target: int = ROWS) -> None:
    """Remove the copies beyond the first `target` rows (a bench database an older run topped
    up to 1 000 000 rows): the sample rows come first and are never removed."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        if cursor.fetchone()[0] <= target:
            return
        cursor.execute(f"DELETE FROM {table} WHERE id > (SELECT id FROM {table} ORDER BY id "  # noqa: S608
                       f"OFFSET {int(target) - 1} LIMIT 1)")
        cursor.execute(f"VACUUM ANALYZE {table}")


def table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


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
    """A timed callable running `sql`, which returns (feature count, GeoJSON text); its `sql`
    attribute is the literal statement."""
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count, text = cursor.fetchone()
        assert text.endswith("]}")
        return count
    with connection.cursor() as cursor:
        run.sql = cursor.cursor.mogrify(sql, params) if params else sql
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


def raw_sql_text(table: str, columns: list[str], limit: int, bbox=None, form: str = "cte"):
    """The floor: the same text-concatenating SQL our provider issues, without Django/pygeoapi.
    form="cte": the rows chosen in a MATERIALIZED CTE, as the provider does since issue 16;
    form="subquery": the rows in a plain subquery, as the provider did before (and as such SQL is
    usually written) – at 100 000 rows PostgreSQL plans that one in parallel (bench.plans)."""
    pairs = ", ".join(f"'{c}', \"{c}\"" for c in columns)
    rows = f'SELECT * FROM {table} {BBOX_WHERE if bbox else ""} ORDER BY "tucbsNo" LIMIT {limit}'
    head = (
        "SELECT count(*), '{\"type\":\"FeatureCollection\",\"features\":[' || "
        "coalesce(string_agg('{\"type\":\"Feature\",\"id\":' || \"tucbsNo\" || ',\"geometry\":' || "
        "ST_AsGeoJSON(ST_Transform(geom, 4326), 8) || ',\"properties\":' || "
        f"json_build_object({pairs})::text || '}}', ','), '') || ']}}' ")
    if form == "cte":
        sql = f"WITH t AS MATERIALIZED ({rows}) {head} FROM t"
    else:
        sql = f"{head} FROM ({rows}) t"
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


def run_bigtable() -> dict | str:
    """bench.bigtable in its own database; a sentence when it cannot run."""
    url = os.environ.get("CBS_BENCH_BIG_DATABASE_URL")
    if not url:
        return "not run: CBS_BENCH_BIG_DATABASE_URL is not set (make bench sets it for the private cluster)"
    out = subprocess.run([sys.executable, "-m", "bench.bigtable"], env={**os.environ, "DATABASE_URL": url},
                         stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    result = None
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            result = json.loads(line.removeprefix("BENCH-JSON "))
        else:
            print(line, flush=True)
    return result if result is not None else f"failed (exit {out.returncode}), see the output above"


def header(rows: dict) -> list[str]:
    load = os.getloadavg()
    return [f"Tables: {rows['layers_bina']} buildings, {rows['layers_numarataj']} door numbers (every "
            f"section below runs on these unless it says otherwise; until issue 16 the bench ran at "
            f"10 000 rows). Machine: {os.cpu_count()} cores, shared; load average at the start "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} – numbers are noisy, compare within a run.", ""]


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("load_samples", verbosity=0)
    for table in ("layers_bina", "layers_numarataj"):
        trim(table)
        top_up(table)
    rows = {t: table_rows(t) for t in ("layers_bina", "layers_numarataj")}
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
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = [f"# OGC items benchmark {stamp}", "", *header(rows)]
    everything: dict = {"rows": rows, "sections": sorted(SECTIONS)}
    cases = []
    if "items" in SECTIONS:
        for layer_name, table in (("bi-bina", "layers_bina"), ("ad-numarataj", "layers_numarataj")):
            columns = list(get_layer(layer_name).properties())
            for label, limit, params, box in (
                (f"{LIMIT} features (of {rows[table]})", LIMIT, {"limit": LIMIT}, None),
                ("bbox (~1000 features)", LIMIT, {"limit": LIMIT, "bbox": bbox}, BBOX),
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
        everything["items"] = cases
        lines += [
            f"Median of {REPEAT} runs after a warm-up, in-process (Django test client / psycopg), "
            "one database. Features = number returned. Our endpoint includes the "
            "access gate and the access-log write of every request.", "",
            "raw PostGIS = the usual `json_agg(ST_AsGeoJSON(row)::json)` query over a subquery, as "
            "PostgreSQL plans it: for the ~1 000-feature bbox at 100 000 rows that is the parallel "
            "sequential scan of the plans below, which is why it looks slower than ours there; floor = "
            "the same text-concatenating SQL our provider sends (rows in a MATERIALIZED CTE), run bare "
            "(no Django, no pygeoapi). Stock pygeoapi gets the CRS84 bbox against a table stored in "
            "EPSG:5254 and finds nothing (0 features).", "",
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
    from bench import plans, tiles

    big = run_bigtable() if "bigtable" in SECTIONS else None
    raw_index_ms = None
    if "plans" in SECTIONS or "http" in SECTIONS:
        plan = plans.check_bbox(client, timed, raw_sql_text, "bi-bina", "layers_bina", BBOX)
        everything["plans"] = plan
        raw_index_ms = next(c["median_ms"] for c in plan["cases"] if "index plan" in c["label"])
        lines += ["", "## The ~1 000-feature bbox: plans (EXPLAIN (ANALYZE, BUFFERS), warm; median of "
                      f"{REPEAT} runs)", "", *plans.markdown(plan)]
        if isinstance(big, dict):
            lines += ["", *plans.markdown(big["plans"])]
        elif big is not None:
            lines += ["", f"1 000 000 rows: {big}"]
    if "tiles" in SECTIONS:
        tile_results = [tiles.bench_tile(client, REPEAT)]
        if isinstance(big, dict):
            tile_results.append(big["tile"])
        everything["tiles"] = tile_results
        lines += ["", f"## Vector tiles (one z15 tile over the sample district; medians of {REPEAT}, "
                      "cached: of 300)", "", *tiles.markdown(tile_results)]
    if "http" in SECTIONS:
        from bench.http import bench_http, markdown as http_markdown

        http = bench_http(client, raw_index_ms)
        everything["http"] = http
        lines += ["", "## HTTP under load (wrk against gunicorn, the bare-view floor and MapServer)", "",
                  *http_markdown(http)]
    if "map" in SECTIONS:
        render_rows = bench_first_render()
        lines += ["", "## Map", "", "| case | ms (median) |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in render_rows]
    if "print" in SECTIONS:
        from bench.printing import bench_print

        print_rows = bench_print()
        lines += ["", "## Print to PDF (target: an A4 page under 3 s)", "", "| case | ms (median) |", "|---|---|"]
        lines += [f"| {label} | {value:.0f} |" for label, value in print_rows]
    if "tickets" in SECTIONS:
        from django.contrib.auth import get_user_model

        from bench.tickets import bench_tickets

        desk, _created = get_user_model().objects.get_or_create(username="bench-superuser",
                                                                defaults={"is_superuser": True, "is_staff": True})
        ticket_rows = bench_tickets(timed, desk)
        lines += ["", "## Help desk and reports (100 000 generated tickets; targets: pages < 150 ms, "
                      "monthly report < 2 s)", "",
                  "| case | ms (median) |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in ticket_rows]
    if "mail" in SECTIONS:
        from bench.mail_intake import bench_mail_intake

        lines += ["", "## E-mail intake (private Dovecot; target: 1 000 mails in < 60 s)", "",
                  "| case | value |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in bench_mail_intake()]
    if "table" in SECTIONS:
        from django.contrib.auth import get_user_model

        from bench.map_table import bench_map_table

        admin, _created = get_user_model().objects.get_or_create(username="bench-superuser",
                                                                 defaults={"is_superuser": True, "is_staff": True})
        table_rows_ms = bench_map_table(timed, admin)
        lines += ["", "## Attribute table and search everywhere (100 000 buildings; targets: page < 150 ms, "
                      "search < 50 ms)", "", "| case | ms (median) |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in table_rows_ms]
    if "import" in SECTIONS:
        from bench.imports import bench_import

        import_rows = bench_import(int(os.environ.get("CBS_BENCH_IMPORT_ROWS", "1000000")))
        lines += ["", "## Import (GeoPackage of buildings; target: within 2× of ogr2ogr -f PostgreSQL)", "",
                  "| case | seconds / ratio |", "|---|---|"]
        lines += [f"| {label} | {value:.2f} |" for label, value in import_rows]
    if "field" in SECTIONS:
        from bench.field import bench_field, markdown as field_markdown

        field = bench_field()
        everything["field"] = field
        lines += ["", "## Field app: preparing 1 km² for offline use", "", *field_markdown(field)]
    if "ows" in SECTIONS:  # WMS/WFS through our gate vs MapServer directly (bench.ows)
        from bench.ows import bench_ows, markdown as ows_markdown

        everything["ows"] = ows_rows = bench_ows(client, timed)
        lines += ["", "## WMS / WFS (MapServer behind the gate)", "", *ows_markdown(ows_rows)]
    load = os.getloadavg()
    lines += ["", f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}."]
    RESULTS.mkdir(exist_ok=True)
    everything["bigtable"] = big  # with the full JSON plans
    (RESULTS / f"ogc-items-{stamp}.json").write_text(json.dumps(everything, indent=2, default=str))
    (RESULTS / f"ogc-items-{stamp}.md").write_text("\n".join(lines) + "\n")
    # A run of some sections only keeps its own "latest" file: latest.md stays the last full run.
    latest = "latest.md" if SECTIONS >= set(ALL_SECTIONS) else f"latest-{'-'.join(sorted(SECTIONS))}.md"
    (RESULTS / latest).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
