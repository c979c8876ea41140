"""Preparing a 1 km² area for the offline field app (/saha/), in headless Chromium at 390×844
against gunicorn, as a surveyor's phone does it: the base map's vector tiles (zooms 13–18, many per
request from /saha/api/tiles) into the service worker's cache, the point layers' features with their versions into IndexedDB.

Measured: wall time from the button to "ready offline" and the bytes the origin then holds on the
device (`navigator.storage.estimate()`: Cache Storage + IndexedDB). Targets: < 10 s, < 30 MB.
The floor, in the same run: the same tiles rendered by PostGIS (ST_AsMVT, one after another,
no HTTP) plus the features' GeoJSON as the raw SQL of bench.run.raw_sql_text."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time

# 1 km × 1 km around the sample district's centre (41.0° N: 1 km = 0.008993° lat, 0.011904° lon).
CENTER = (28.9005, 41.0)
HALF = (0.011904 / 2, 0.008993 / 2)
AREA = (CENTER[0] - HALF[0], CENTER[1] - HALF[1], CENTER[0] + HALF[0], CENTER[1] + HALF[1])
USER = ("bench-surveyor", "bench-surveyor-pass-1")
RUNS = 3


def tile_list(bbox, zooms, layers) -> list[tuple[str, int, int, int]]:
    """(layer, z, x, y) of the base tiles the app stores (field.tiles, as /saha/api/tiles)."""
    from field.tiles import tile_range

    out = []
    for z in range(zooms[0], zooms[1] + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        out += [(layer.name, z, x, y) for layer in layers if z >= layer.map_min_zoom
                for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return out


def _surveyor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(username=USER[0])
    user.groups.add(Group.objects.get(name="CBS editörü"))
    user.set_password(USER[1])
    user.save()


def _floor(chosen: list[str], base: list) -> dict:
    """Raw PostGIS: every tile through ST_AsMVT and the chosen layers' GeoJSON, sequentially."""
    from bench.run import raw_sql_text
    from layers.registry import get_layer
    from ogc.tiles import render_tile

    tiles = tile_list(AREA, (13, 18), base)
    start = time.perf_counter()
    size = sum(len(render_tile(get_layer(name), z, x, y)) for name, z, x, y in tiles)
    tiles_s = time.perf_counter() - start
    start = time.perf_counter()
    for name in chosen:
        layer = get_layer(name)
        raw_sql_text(layer.meta().db_table, list(layer.properties()), 10_000, AREA)()
    return {"tiles": len(tiles), "tile_bytes": size, "tiles_s": round(tiles_s, 2),
            "features_s": round(time.perf_counter() - start, 2)}


def bench_field() -> dict:
    from playwright.sync_api import sync_playwright

    from field.api import TILE_ZOOMS
    from django.contrib.auth import get_user_model

    from field.selectors import field_layers, layer_can_edit

    _surveyor()
    user = get_user_model().objects.get(username=USER[0])
    visible = field_layers(user)  # what the app offers this user (the OGC gate's answer)
    chosen = [layer.name for layer in visible if layer.geometry_type() == "Point" and layer_can_edit(user, layer)]
    base = [layer for layer in visible if layer.map_visible and layer.name not in chosen]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cbs.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--worker-class", "gthread"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    runs = []
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        site = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-background-networking"])
            for zooms in [list(TILE_ZOOMS)] * RUNS + [[13, 16]]:
                # A new device each time; the server's tile cache warms after run 1. The last run
                # stores zooms 13–16 only (what overzooming to 18 would need), for comparison.
                context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                              locale="tr-TR")
                page = context.new_page()
                page.goto(site + "/accounts/login/")
                page.fill("#id_username", USER[0])
                page.fill("#id_password", USER[1])
                page.click("#login-form button")
                page.wait_for_load_state()
                page.goto(site + "/saha/")
                page.wait_for_selector("body[data-ready='1']", timeout=60_000)
                page.evaluate("navigator.serviceWorker.ready")
                page.evaluate("bbox => window.kentField.setCandidate(bbox, 'bench')", list(AREA))
                page.evaluate("zooms => { window.kentField.state.config.zooms = zooms; }", zooms)
                for box in page.locator("#area-layers input").all():
                    box.set_checked(box.get_attribute("value") in chosen)
                start = time.perf_counter()
                page.click("#area-prepare")
                page.wait_for_selector("body[data-prepared='1']", timeout=300_000)
                wall = time.perf_counter() - start
                area = page.evaluate("KentField.store.get('meta', 'area')")
                runs.append({"zooms": zooms, "wall_s": round(wall, 2), "bytes": area["bytes"], "tiles": area["tiles"],
                             "features": area["features"], "tile_bytes": area["tileBytes"]})
                context.close()
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
    floor = _floor(chosen, base)
    result = {"area": AREA, "zooms": list(TILE_ZOOMS), "chosen": chosen, "base": [b.name for b in base],
              "runs": runs, "floor": floor,
              "warm_median_s": round(statistics.median(r["wall_s"] for r in runs[1:RUNS]), 2)}
    for r in runs:
        print(f"field: 1 km² (zooms {r['zooms'][0]}–{r['zooms'][1]}) prepared in {r['wall_s']} s, {r['bytes'] / 2**20:.1f} MB on the device "
              f"({r['tiles']} tiles, {r['features']} features)", flush=True)
    print(f"field: floor {floor['tiles_s']} s for the tiles + {floor['features_s']} s for the features "
          "(PostGIS, sequential)", flush=True)
    return result


def markdown(result: dict) -> list[str]:
    floor = result["floor"]
    lines = [f"Area {result['area']} (1 km²), zooms {result['zooms'][0]}–{result['zooms'][1]}; features of "
             f"{', '.join(result['chosen'])}; base tiles of {', '.join(result['base'])}. Headless Chromium "
             "390×844, gunicorn 2×4; a new browser context (empty device) per run, run 1 with the "
             "server's tile cache cold. Targets: < 10 s and < 30 MB. Seconds are wall time on the "
             "shared machine (see the load average): compare with the floor of the same run.", "",
             "| run | stored zooms | seconds | MB on the device | tiles | features |",
             "|---|---|---|---|---|---|"]
    for number, r in enumerate(result["runs"], start=1):
        lines.append(f"| {number} | {r['zooms'][0]}–{r['zooms'][1]} | {r['wall_s']} | {r['bytes'] / 2**20:.1f} | {r['tiles']} | {r['features']} |")
    lines += ["", f"Floor (raw PostGIS, the tiles and features of zooms 13–18, sequential, no HTTP): {floor['tiles_s']} s "
              f"for {floor['tiles']} tiles ({floor['tile_bytes'] / 2**20:.1f} MB) + {floor['features_s']} s "
              "for the features."]
    return lines
