"""WMS/WFS benchmark: our /ows endpoints (gate, parameter check, access log, FastCGI proxy) next
to the same MapServer engine called directly with the same mapfile and parameters (no Django,
no gate), and raw PostGIS for the WFS page. Target: the gate adds < 2 ms."""

from __future__ import annotations

import os
import socket
import statistics
import struct
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from cbs.audit.services import access_record
from ogc import fastcgi
from ogc import ows as ows_view

from layers.state import layer_state
from ogc.engine import engine_call, socket_path
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


STEP_REPEAT = 200  # the gate's steps are sub-millisecond: many runs, min and median


def _stat(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"min_ms": round(samples[0], 3), "median_ms": round(statistics.median(samples), 3)}


def _step(fn, repeat: int = STEP_REPEAT) -> dict:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return _stat(samples)


def _captured_stream(mapfile, checked: dict, script_name: str) -> bytes:
    """The raw FastCGI records MapServer sends for one request (for timing our framing alone)."""
    cgi = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
           "QUERY_STRING": urlencode(checked), "SCRIPT_NAME": script_name, "SERVER_NAME": "127.0.0.1",
           "MS_MAPFILE": str(mapfile), "CONTENT_LENGTH": "0"}
    raw = bytearray()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(socket_path())
        conn.sendall(fastcgi._record(fastcgi.BEGIN_REQUEST, struct.pack("!HB5x", fastcgi.RESPONDER, 0))
                     + fastcgi._params(cgi) + fastcgi._record(fastcgi.STDIN, b""))
        while chunk := conn.recv(1 << 20):
            raw += chunk
    return bytes(raw)


def _framing(raw: bytes):
    """Our FastCGI client reading that stream from a socket and splitting the CGI head off."""
    def run():
        ours, theirs = socket.socketpair()
        with ours, theirs:
            theirs.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            sender = threading.Thread(target=theirs.sendall, args=(raw,))
            sender.start()
            out, _err = fastcgi._read_response(ours)
            fastcgi.split_cgi(out)
            sender.join()
    return run


def _connect():
    path = socket_path()

    def run():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(path)
    return run


def gate_steps(path: str, params: dict, service: str, body: bytes, raw: bytes) -> dict[str, dict]:
    """Each of the gate's own steps timed alone (min and median of STEP_REPEAT), in request order."""
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def request():
        r = factory.get(path, params)
        r.session = {}
        return r

    state = layer_state()
    seen = visible_collections(Caller("anonymous"), state)
    _mapfile, served = mapfile_for(seen, state.states, state.config_key, "http://127.0.0.1/ows")
    by_name = {la.name: la for la in served}
    query = _as_query(params)

    def respond():
        response = HttpResponse(body, status=200, content_type="image/png")
        response["Vary"] = "Authorization, X-API-Key, Cookie, Accept-Language"
        return response

    return {
        "caller (session, key headers)": _step(lambda: resolve_caller(request())),
        "publication state (1 query)": _step(layer_state),
        "visible set": _step(lambda: visible_collections(Caller("anonymous"), state)),
        "mapfile lookup (no rebuild)": _step(
            lambda: mapfile_for(seen, state.states, state.config_key, "http://127.0.0.1/ows")),
        "parameter whitelist": _step(lambda: whitelisted(query, service=service, layers=by_name)),
        "FastCGI connect": _step(_connect()),
        "FastCGI framing of the answer": _step(_framing(raw), repeat=STEP_REPEAT // 4),
        "response object": _step(respond),
        "access record (1 INSERT, no WAL wait; after delivery)": _step(
            lambda: access_record(method="GET", path=path, status=200, size=len(body))),
    }


def _wsgi_request(path: str, params: dict):
    """Our request as gunicorn runs it (the site's WSGI application, cbs.wsgi: a cookie-less GET
    takes the fast lane's middleware, cbs/fast_lane.py; the connection pool's check-out and
    return): (ms until the whole body is in hand, i.e. could be on the wire; ms of the work in
    response.close() after that – the access record)."""
    from cbs.wsgi import application as handler
    factory = RequestFactory(HTTP_HOST="127.0.0.1")

    def run() -> tuple[float, float]:
        environ = factory.get(path, params).environ
        started: list[str] = []
        start = time.perf_counter()
        response = handler(environ, lambda status, headers, exc_info=None: started.append(status))
        body = b"".join(response)
        delivered = time.perf_counter()
        response.close()
        closed = time.perf_counter()
        assert started[0].startswith("200"), (started, body[:300])
        return (delivered - start) * 1000, (closed - delivered) * 1000
    return run


def _interleaved(ours, direct, repeat: int) -> dict[str, dict]:
    """Ours and the engine alone, alternating (drift on a shared machine hits both alike). Inside
    each of our requests the engine call is timed too: the request minus its engine call is the
    gate's own cost in that very request, free of the engine's noise."""
    delivered, after, engines, directs = [], [], [], []
    real_call = ows_view.engine_call
    spent: list[float] = []

    def timed_call(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real_call(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    ows_view.engine_call = timed_call
    try:
        ours(), direct()  # warm-up
        for _ in range(repeat):
            spent.clear()
            until_body, in_close = ours()
            delivered.append(until_body)
            after.append(in_close)
            engines.append(sum(spent))
            start = time.perf_counter()
            direct()
            directs.append((time.perf_counter() - start) * 1000)
    finally:
        ows_view.engine_call = real_call
    return {"kent_cbs": _stat(delivered), "engine_direct": _stat(directs),
            "engine_inside": _stat(engines),
            "gate_in_request": _stat([d - e for d, e in zip(delivered, engines)]),
            "after_delivery": _stat(after)}


def _mapfile_of(ours) -> Path:
    used = []
    real_call = ows_view.engine_call

    def spy(mapfile, *args, **kwargs):
        used.append(mapfile)
        return real_call(mapfile, *args, **kwargs)

    ows_view.engine_call = spy
    try:
        ours()
    finally:
        ows_view.engine_call = real_call
    return used[0]


def bench_ows(client: Client, timed) -> list[dict]:
    state = layer_state()
    visible = visible_collections(Caller("anonymous"), state)
    mapfile, layers = mapfile_for(visible, state.states, state.config_key, "http://127.0.0.1/ows")
    by_name = {layer.name: layer for layer in layers}
    # the buildings (published for the bench run) over whatever else the bench database publishes
    drawn = [name for name in ("id-mahalle", "ad-yol", "bi-bina") if name in by_name]
    repeat = int(os.environ.get("CBS_BENCH_REPEAT", "15"))
    rows = []
    for label, params, path in ((f"WMS GetMap 512×512 PNG, dense district ({', '.join(drawn)})",
                                 _getmap(drawn), "/ows/wms"),
                                ("WFS GetFeature 1 000 buildings, GeoJSON", _wfs_page(), "/ows/wfs")):
        service = params["SERVICE"]

        ours = _wsgi_request(path, params)

        # The engine alone runs the very mapfile our view chose for this client (base URL, language).
        mapfile = _mapfile_of(ours)
        checked = whitelisted(_as_query(params), service=service, layers=by_name)

        def direct(checked=checked, service=service, mapfile=mapfile):
            status, _headers, body = engine_call(mapfile, checked, script_name=f"/ows/{service.lower()}",
                                                 host="127.0.0.1")
            assert status == 200
            return len(body)

        timings = _interleaved(ours, direct, repeat)
        total, engine_alone, own = (timings["kent_cbs"], timings["engine_direct"],
                                    timings["gate_in_request"])
        _status, _headers, body = engine_call(mapfile, checked, script_name=f"/ows/{service.lower()}",
                                              host="127.0.0.1")
        steps = gate_steps(path, params, service, body,
                           _captured_stream(mapfile, checked, f"/ows/{service.lower()}"))
        row = {"case": label, **timings, "steps": steps,
               "answer_kib": len(body) // 1024,
               "steps_sum": {k: round(sum(s[k] for s in steps.values()), 3)
                             for k in ("min_ms", "median_ms")}}
        if service == "WFS":
            row["raw_postgis"] = timed(_raw_wfs_page(list(get_layer("bi-bina").properties())))
        row["gate_ms"] = round(total["median_ms"] - engine_alone["median_ms"], 2)
        rows.append(row)
        print(f"ows: {label}: ours {total['median_ms']} ms, engine direct {engine_alone['median_ms']} ms "
              f"(difference {row['gate_ms']} ms, engine noise dominates); the gate's own cost inside "
              f"our requests: min {own['min_ms']} ms, median {own['median_ms']} ms; after the answer "
              f"has left (access record): median {timings['after_delivery']['median_ms']} ms"
              + (f"; raw PostGIS {row['raw_postgis']['median_ms']} ms" if "raw_postgis" in row else ""),
              flush=True)
        for name, value in steps.items():
            print(f"ows:   {name:42} min {value['min_ms']:7.3f} ms  median {value['median_ms']:7.3f} ms",
                  flush=True)
        print(f"ows:   {'sum of the steps':42} min {row['steps_sum']['min_ms']:7.3f} ms  "
              f"median {row['steps_sum']['median_ms']:7.3f} ms", flush=True)
    return rows


def _as_query(params: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    return query


def markdown(rows: list[dict]) -> list[str]:
    lines = ["In-process, after a warm-up; our request and the engine alone alternate (CBS_BENCH_REPEAT "
             "pairs). Kent CBS = /ows through Django's WSGI handler as a WSGI server runs it (every "
             "middleware, the connection pool, gate, parameter whitelist, FastCGI to MapServer) until "
             "the whole answer is in hand; the access record is written after that, in the response's "
             "close() (ogc/ows_access.py), and shown apart as *after delivery*; engine direct = the same mapfile and parameters "
             "sent straight to the MapServer FastCGI pool; difference = the two medians (noisy: the "
             "engine's time dominates and varies by tens of ms on a loaded machine). **Gate in the "
             "request** = each of our requests minus the engine call inside that same request (min / "
             "median): the gate's whole own cost, free of the engine's noise (target < 2 ms). Raw "
             "PostGIS: the same 1 000 buildings as GeoJSON in one SQL.",
             "", "| case | Kent CBS ms | engine direct ms | difference ms | gate in the request, min / "
             "median ms | after delivery, median ms | raw PostGIS ms |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        raw = r.get("raw_postgis", {}).get("median_ms", "–")
        own = r["gate_in_request"]
        lines.append(f"| {r['case']} | {r['kent_cbs']['median_ms']} | {r['engine_direct']['median_ms']} "
                     f"| {r['gate_ms']} | {own['min_ms']} / {own['median_ms']} "
                     f"| {r['after_delivery']['median_ms']} | {raw} |")
    lines += ["", f"The gate's steps, each timed alone on a warm connection (min / median of {STEP_REPEAT} runs, ms; the "
              "framing is our FastCGI client reading MapServer's recorded answer from a socket):", "",
              "| step | " + " | ".join(f"{r['case'].split(',')[0]} ({r['answer_kib']} KiB)" for r in rows)
              + " |",
              "|---|" + "---|" * len(rows)]
    for name in rows[0]["steps"]:
        cells = [f"{r['steps'][name]['min_ms']} / {r['steps'][name]['median_ms']}" for r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **sum of the steps** | " + " | ".join(
        f"{r['steps_sum']['min_ms']} / {r['steps_sum']['median_ms']}" for r in rows) + " |")
    return lines
