"""WMS/WFS benchmark: our /ows endpoints (gate, parameter check, access log, FastCGI proxy) next
to the same MapServer engine called directly with the same mapfile and parameters (no Django,
no gate), and raw PostGIS for the WFS page. Target: the gate adds < 2 ms."""

from __future__ import annotations

from django.db import connection
from django.test import Client, RequestFactory

from layers.state import layer_state
from ogc.engine import engine_call
from ogc.gate import Caller, resolve_caller, visible_collections
from ogc.mapfile import mapfile_for
from ogc.ows_params import whitelisted
from layers.registry import get_layer

# The dense middle of the sample district in EPSG:5254: 3 300 m square, 512 px (≈ 1:23 000,
# inside the buildings' scale range).
DENSE = (406300, 4539500, 409600, 4542800)


def _getmap(layers: list[str]) -> dict:
    x0, y0, x1, y1 = DENSE
    return {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
            "LAYERS": ",".join(layers), "STYLES": "", "CRS": "EPSG:5254",
            "BBOX": f"{y0},{x0},{y1},{x1}", "WIDTH": "512", "HEIGHT": "512", "FORMAT": "image/png"}


def _wfs_page() -> dict:
    return {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "bi-bina",
            "COUNT": "1000", "STARTINDEX": "2000", "OUTPUTFORMAT": "application/geo+json"}


def _raw_wfs_page(columns: list[str]):
    props = ", ".join(f"'{c}', \"{c}\"" for c in columns)
    sql = ("SELECT count(*), json_build_object('type', 'FeatureCollection', 'features', json_agg("
           "json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom)::json, "
           f"'properties', json_build_object({props}))))::text FROM (SELECT * FROM layers_bina "
           "ORDER BY id LIMIT 1000 OFFSET 2000) t")

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    return run


def bench_ows(client: Client, timed) -> list[dict]:
    state = layer_state()
    visible = visible_collections(Caller("anonymous"), state)
    mapfile, layers = mapfile_for(visible, state.states, state.config_key, "http://127.0.0.1/ows")
    by_name = {layer.name: layer for layer in layers}
    # the buildings (published for the bench run) over whatever else the bench database publishes
    drawn = [name for name in ("id-mahalle", "ad-yol", "bi-bina") if name in by_name]
    rows = []
    for label, params, path in ((f"WMS GetMap 512×512 PNG, dense district ({', '.join(drawn)})",
                                 _getmap(drawn), "/ows/wms"),
                                ("WFS GetFeature 1 000 buildings, GeoJSON", _wfs_page(), "/ows/wfs")):
        service = params["SERVICE"]

        def ours(params=params, path=path):
            response = client.get(path, params)
            assert response.status_code == 200, response.content[:300]
            return len(response.content)

        def direct(params=params, service=service):
            checked = whitelisted(_as_query(params), service=service, layers=by_name)
            status, _headers, body = engine_call(mapfile, checked, script_name=f"/ows/{service.lower()}",
                                                 host="127.0.0.1")
            assert status == 200
            return len(body)

        def gate_only(params=params, path=path, service=service):
            """What our view does before the engine: caller, state, visible set, mapfile lookup,
            parameter whitelist (the access-log write is measured in `ours`)."""
            request = RequestFactory().get(path, params)
            request.session = {}
            caller = resolve_caller(request)
            now = layer_state()
            seen = visible_collections(caller, now)
            _mapfile, served = mapfile_for(seen, now.states, now.config_key, "http://127.0.0.1/ows")
            return len(whitelisted(request.GET, service=service, layers={la.name: la for la in served}))

        row = {"case": label, "kent_cbs": timed(ours), "engine_direct": timed(direct),
               "gate_only": timed(gate_only)}
        if service == "WFS":
            row["raw_postgis"] = timed(_raw_wfs_page(list(get_layer("bi-bina").properties())))
        row["gate_ms"] = round(row["kent_cbs"]["median_ms"] - row["engine_direct"]["median_ms"], 2)
        rows.append(row)
        print(f"ows: {label}: ours {row['kent_cbs']['median_ms']} ms, engine direct "
              f"{row['engine_direct']['median_ms']} ms, difference {row['gate_ms']} ms, gate alone "
              f"{row['gate_only']['median_ms']} ms"
              + (f", raw PostGIS {row['raw_postgis']['median_ms']} ms" if "raw_postgis" in row else ""),
              flush=True)
    return rows


def _as_query(params: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    return query


def markdown(rows: list[dict]) -> list[str]:
    lines = ["Median of the runs after a warm-up, in-process. Kent CBS = Django test client on /ows "
             "(gate, parameter whitelist, access-log write, FastCGI to MapServer); engine direct = the "
             "same mapfile and parameters sent straight to the MapServer FastCGI pool; difference = "
             "the two (noisy on a loaded machine: the engine's time dominates); gate alone = our steps "
             "before the engine (caller, publication state, visible set, mapfile lookup, parameter "
             "whitelist) timed by themselves (target < 2 ms). Raw PostGIS: the same 1 000 buildings as "
             "GeoJSON in one SQL.",
             "", "| case | Kent CBS ms | engine direct ms | difference ms | gate alone ms | raw PostGIS ms |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        raw = r.get("raw_postgis", {}).get("median_ms", "–")
        lines.append(f"| {r['case']} | {r['kent_cbs']['median_ms']} | {r['engine_direct']['median_ms']} "
                     f"| {r['gate_ms']} | {r['gate_only']['median_ms']} | {raw} |")
    return lines
