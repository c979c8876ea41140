"""`make bench`, HTTP section: the OGC items endpoint under load, next to its floor and a peer.

Three servers on free loopback ports, all reading the bench database:
  - Kent CBS: gunicorn serving cbs.wsgi with the production settings the bench runs with
    (the Makefile's LOCAL_ENV), WORKERS workers × THREADS threads (gthread);
  - the floor: the same gunicorn sizing serving bench.bare_settings (no middleware) whose one
    view runs the statement our provider sent for the same request (captured here first);
  - MapServer 8 (Debian's mapserv) as FastCGI: lighttpd's mod_fastcgi keeps MAPSERV_PROCS
    mapserv processes alive; a mapfile generated for bi-bina (PostGIS, storage SRID from the
    registry, CLOSE_CONNECTION=DEFER so each process keeps its database connection), answering
    through its OGC API Features (/ogcapi/collections/bi-bina/items?bbox=…&f=json, CRS84).

wrk loads each URL at CONNECTIONS connections for SECONDS after a WARMUP (discarded), the
servers interleaved per case and connection count, ROUNDS times (the order reversed every other
round). 1 connection gives the unloaded latency; 8 and 32 the throughput. Then each worker's
memory (/proc) and, in a child process, what a worker's memory and request time go to
(bench.memory).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.db import connection

SMALL_BBOX = (28.9, 41.0, 28.902, 41.001)  # 8 buildings
BIG_BBOX = (28.895, 40.99, 28.91, 41.005)  # ~1 000 buildings
LAYER = "bi-bina"
WORKERS = int(os.environ.get("CBS_BENCH_HTTP_WORKERS", "2"))
THREADS = int(os.environ.get("CBS_BENCH_HTTP_THREADS", "4"))
MAPSERV_PROCS = 2
CONNECTIONS = (1, 8, 32)
SECONDS = int(os.environ.get("CBS_BENCH_HTTP_SECONDS", "10"))
SECONDS_ONE = max(3, SECONDS // 2)  # the 1-connection latency runs
WARMUP = 2
ROUNDS = int(os.environ.get("CBS_BENCH_HTTP_ROUNDS", "2"))
MAPSERV = "/usr/lib/cgi-bin/mapserv"
ROOT = Path(__file__).resolve().parent.parent


def _fmt(bbox) -> str:
    return ",".join(str(v) for v in bbox)


CASES = {
    "small": {"label": "small bbox (8 buildings)", "query": f"bbox={_fmt(SMALL_BBOX)}&f=json"},
    "big": {"label": "~1 000-building bbox", "query": f"bbox={_fmt(BIG_BBOX)}&limit=10000&f=json"},
}


# --- processes -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:  # a zombie (state Z) has ended; nobody may reap it in a container
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def memory(pid: int) -> dict:
    values = {"pid": pid}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                values[key] = round(int(rest.split()[0]) / 1024, 1)
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                values["Pss"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return values


class Server:
    def __init__(self, key: str, label: str, argv: list[str], env: dict, port: int, prefix: str,
                 log: Path):
        self.key, self.label, self.argv, self.env, self.port = key, label, argv, env, port
        self.prefix, self.log = prefix, log
        self.proc: subprocess.Popen | None = None
        self.workers: list[int] = []

    def url(self, case: str) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}?{CASES[case]['query']}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            # Its own session: stop() signals exactly the processes this bench started.
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=log,
                                         start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited: see {self.log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{self.label} did not listen on {self.port}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        workers = children(self.proc.pid)
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # lighttpd leaves its FastCGI children running, and mapserv does not always end on
        # SIGTERM while it waits for a request: TERM, then KILL what is still there.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            alive = [pid for pid in workers if _running(pid)]
            for pid in alive:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 5
            while alive and time.monotonic() < deadline:
                time.sleep(0.1)
                alive = [pid for pid in alive if _running(pid)]
            if not alive:
                break


def gunicorn(key: str, label: str, env: dict, log: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "cbs.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
            "--log-level", "warning",
            # As deploy/gunicorn.conf.py serves: one socket per worker (on a shared one, the 32
            # connections wrk opens at once sometimes all went to one worker: half speed), each
            # worker a fork of a master that loaded the application.
            "--reuse-port", "--preload"]
    prefix = f"/ogc/collections/{LAYER}/items" if key in ("kent", "generic") else "/items"
    return Server(key, label, argv, env, port, prefix, log)


def mapserver(workdir: Path, log: Path) -> Server | str:
    """lighttpd + mapserv FastCGI over a mapfile generated from the registry and the bench
    database; a sentence saying why not when it cannot run."""
    lighttpd = shutil.which("lighttpd") or ("/usr/sbin/lighttpd" if Path("/usr/sbin/lighttpd").exists() else None)
    if not Path(MAPSERV).exists() or lighttpd is None:
        return "MapServer not run: mapserv or lighttpd missing (scripts/install_bench.sh installs them)."
    from layers.registry import get_layer

    layer = get_layer(LAYER)
    table = layer.meta().db_table
    geom = layer.geometry().column
    srid = layer.geometry().srid
    db = connection.settings_dict
    parts = {"host": db["HOST"] or "localhost", "port": db["PORT"] or "5432", "dbname": db["NAME"],
             "user": db["USER"], "password": db["PASSWORD"]}
    dsn = " ".join(f"{k}={v}" for k, v in parts.items() if v)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "  # noqa: S608
                       f"(SELECT ST_Extent({connection.ops.quote_name(geom)}) AS e FROM {table}) x")
        extent = " ".join(f"{v:.0f}" for v in cursor.fetchone())
    items = ",".join(f.column for f in layer.properties().values())
    (workdir / "bina.map").write_text(f"""MAP
  NAME "kentcbs_bench"
  EXTENT 26 36 45 42
  PROJECTION "init=epsg:4326" END
  WEB
    METADATA
      "ows_title" "Kent CBS bench peer"
      "ows_enable_request" "*"
      "oga_onlineresource" "http://127.0.0.1/mapserv/bina/ogcapi"
    END
  END
  LAYER
    NAME "{LAYER}"
    TYPE POLYGON
    STATUS ON
    TEMPLATE "none"
    EXTENT {extent}
    CONNECTIONTYPE POSTGIS
    CONNECTION "{dsn}"
    PROCESSING "CLOSE_CONNECTION=DEFER"
    DATA "{geom} from {table} using unique tucbsNo using srid={srid}"
    PROJECTION "init=epsg:{srid}" END
    METADATA
      "ows_title" "{LAYER}"
      "gml_include_items" "{items}"
      "gml_featureid" "tucbsNo"
      "gml_types" "auto"
    END
  END
END
""")
    (workdir / "mapserver.conf").write_text(f"""CONFIG
  ENV
    MS_MAP_NO_PATH "1"
  END
  MAPS
    bina "{workdir / 'bina.map'}"
  END
END
""")
    port = free_port()
    (workdir / "lighttpd.conf").write_text(f"""server.document-root = "{workdir}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{workdir / 'lighttpd-error.log'}"
server.modules += ( "mod_fastcgi" )
server.max-connections = 1024
fastcgi.server = ( "/mapserv" => ((
  "socket" => "{workdir / 'mapserv.sock'}",
  "bin-path" => "{MAPSERV}",
  "max-procs" => {MAPSERV_PROCS},
  "check-local" => "disable",
  "bin-environment" => ( "MAPSERVER_CONFIG_FILE" => "{workdir / 'mapserver.conf'}" )
)))
""")
    return Server("mapserver", f"MapServer (FastCGI, {MAPSERV_PROCS} processes)",
                  [lighttpd, "-D", "-f", str(workdir / "lighttpd.conf")], dict(os.environ), port,
                  f"/mapserv/bina/ogcapi/collections/{LAYER}/items", log)


# --- load ----------------------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * UNITS[unit], 2)


def wrk(url: str, conns: int, seconds: int) -> dict:
    out = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{seconds}s", "--latency",
                          "--timeout", "10s", url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "99"):
        result[f"p{pct}_ms"] = _ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    return result


def drain(url: str) -> None:
    """One request after a run: it queues behind whatever the run left queued (requests of
    connections wrk already closed), so the next run starts on an idle server."""
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 (loopback)
        response.read()


def fetch_count(url: str) -> int:
    # A fresh worker builds pygeoapi on its first request: minutes on a loaded machine.
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 (loopback)
        assert response.status == 200, (url, response.status)
        return len(json.loads(response.read())["features"])


def versions(servers: dict) -> dict:
    import django
    import gunicorn as gunicorn_pkg
    import pygeoapi

    out = {"Django": django.get_version(), "pygeoapi": pygeoapi.__version__,
           "gunicorn": gunicorn_pkg.__version__}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
        out["PostgreSQL"], out["PostGIS"] = cursor.fetchone()
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    out["wrk"] = (wrk_v.stdout or wrk_v.stderr).split()[1]
    if "mapserver" in servers:
        out["MapServer"] = subprocess.run([MAPSERV, "-v"], capture_output=True, text=True).stdout.split()[2]
        out["lighttpd"] = subprocess.run([servers["mapserver"].argv[0], "-v"], capture_output=True,
                                         text=True).stdout.split()[0].split("/")[1]
    return out


def child_json(args: list[str], **env: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.memory", *args], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **env})
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if line is None:
        return {"error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(line.removeprefix("BENCH-JSON "))


def bench_http(client, raw_index_ms: float | None) -> dict:
    """The HTTP section; `raw_index_ms`: the ~1 000-building bbox as raw SQL with the index plan
    (bench.plans), the reference of its target."""
    from bench.plans import provider_sql

    workdir = Path(tempfile.mkdtemp(prefix="kentcbs-bench-http-"))
    statements = {}
    for case in CASES.values():  # the floor's statements, as our provider sends them
        params = dict(p.split("=", 1) for p in case["query"].split("&"))
        statements[case["query"]] = provider_sql(client, LAYER, params)
    (workdir / "bare.json").write_text(json.dumps(statements))
    base_env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    servers: dict[str, Server] = {
        "kent": gunicorn("kent", f"Kent CBS (gunicorn {WORKERS}×{THREADS})", base_env, workdir / "kent.log"),
        # The same site with the items fast path switched off: every request through pygeoapi
        # (what the numbers were before ogc/fast_items.py), in the same run.
        "generic": gunicorn("generic", f"Kent CBS, generic path (CBS_OGC_FAST_ITEMS=0, gunicorn {WORKERS}×{THREADS})",
                            {**base_env, "CBS_OGC_FAST_ITEMS": "0"}, workdir / "generic.log"),
        "bare": gunicorn("bare", f"bare Django view (gunicorn {WORKERS}×{THREADS})",
                         {**base_env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings",
                          "CBS_BENCH_BARE_SQL": str(workdir / "bare.json")}, workdir / "bare.log"),
    }
    notes = []
    peer = mapserver(workdir, workdir / "mapserver.log")
    if isinstance(peer, str):
        notes.append(peer)
    else:
        servers["mapserver"] = peer
    result: dict = {"notes": notes, "runs": [], "counts": {}, "memory": {},
                    "settings": {"workers": WORKERS, "threads": THREADS, "mapserv_processes": MAPSERV_PROCS,
                                 "seconds": SECONDS, "seconds_one_connection": SECONDS_ONE,
                                 "warmup": WARMUP, "rounds": ROUNDS},
                    "raw_index_ms": raw_index_ms}
    try:
        for key, server in list(servers.items()):
            try:
                server.start()
                for case in CASES:
                    result["counts"][f"{key}/{case}"] = fetch_count(server.url(case))
            except Exception as exc:  # noqa: BLE001 – the peer may fail; ours may not
                if key != "mapserver":
                    raise
                notes.append(f"MapServer could not be run: {exc} (log: {server.log}, "
                             f"{(workdir / 'lighttpd-error.log')})")
                server.stop()
                del servers[key]
        result["versions"] = versions(servers)
        result["load_start"] = os.getloadavg()
        result["uptime_start"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        for round_no in range(ROUNDS):
            for case in CASES:
                for conns in CONNECTIONS:
                    order = list(servers.values())
                    if round_no % 2:
                        order.reverse()
                    for server in order:
                        url = server.url(case)
                        wrk(url, conns, WARMUP)
                        drain(url)
                        run = wrk(url, conns, SECONDS_ONE if conns == 1 else SECONDS)
                        drain(url)
                        run.update({"round": round_no + 1, "case": case, "connections": conns,
                                    "server": server.key, "load1": round(os.getloadavg()[0], 2)})
                        result["runs"].append(run)
                        print(f"http r{round_no + 1} {case:5} c={conns:2} {server.key:9} "
                              f"{run['rps']:8.1f} req/s  p50 {run['p50_ms']:7.2f} ms  "
                              f"p99 {run['p99_ms']:7.2f} ms  errors {run['errors']}", flush=True)
        result["uptime_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        for key, server in servers.items():
            result["memory"][key] = [memory(pid) for pid in children(server.proc.pid)]
        result["labels"] = {key: server.label for key, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    urls = [f"/ogc/collections/{LAYER}/items?{case['query']}" for case in CASES.values()]
    result["worker_rss"] = child_json(["rss", *urls])
    result["worker_traced"] = child_json(["traced", *urls])
    result["profile"] = child_json(["profile", *urls])
    result["profile_generic"] = child_json(["profile", *urls], CBS_OGC_FAST_ITEMS="0")
    shutil.rmtree(workdir, ignore_errors=True)
    return result


# --- report --------------------------------------------------------------------------------
def _span(values: list[float], digits: int = 1) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.{digits}f}" if round(lo, digits) == round(hi, digits) else f"{lo:.{digits}f}–{hi:.{digits}f}"


def _runs(result: dict, case: str, conns: int, server: str) -> list[dict]:
    return [r for r in result["runs"] if r["case"] == case and r["connections"] == conns
            and r["server"] == server]


def _ratios(result: dict, case: str, conns: int, a: str, b: str) -> list[float]:
    out = []
    for ra in _runs(result, case, conns, a):
        rb = next((r for r in _runs(result, case, conns, b) if r["round"] == ra["round"]), None)
        if rb and rb["rps"]:
            out.append(ra["rps"] / rb["rps"])
    return out


def markdown(result: dict) -> list[str]:
    s = result["settings"]
    labels = result.get("labels", {})
    lines = [
        f"wrk {result['versions'].get('wrk', '?')}, {s['rounds']} rounds, the servers interleaved per "
        f"case and connection count (order reversed every other round); {s['seconds']} s per run "
        f"({s['seconds_one_connection']} s at 1 connection) after a {s['warmup']} s warm-up. Kent CBS "
        f"and the bare view: gunicorn, {s['workers']} workers × {s['threads']} threads (gthread), "
        "production settings (DEBUG off, the access log written per request); MapServer: "
        f"{s['mapserv_processes']} mapserv FastCGI processes behind lighttpd, OGC API Features "
        "`/ogcapi/collections/bi-bina/items?bbox=…&f=json` (GeoJSON, CRS84), PostGIS connection kept "
        "per process (CLOSE_CONNECTION=DEFER). Values: the range over the rounds.", "",
        f"Machine load: start `{result.get('uptime_start', '?')}`, end `{result.get('uptime_end', '?')}` "
        f"(2 cores shared with other work; wrk runs on the same cores).", "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in result.get("versions", {}).items()), "",
    ]
    lines += [f"Note: {note}" for note in result["notes"]]
    counts = result["counts"]
    lines += ["Features per response: " + ", ".join(f"{k} {v}" for k, v in counts.items())
              + " (MapServer tests its bbox against the geometry itself, we and PostGIS's `&&` "
              "against its bounding box, hence fewer for the big bbox).", "",
              "| case | connections | server | requests/s | p50 ms | p99 ms | errors |",
              "|---|---|---|---|---|---|---|"]
    servers = [k for k in ("kent", "generic", "bare", "mapserver") if k in labels]
    for case in CASES:
        for conns in CONNECTIONS:
            for server in servers:
                runs = _runs(result, case, conns, server)
                if not runs:
                    continue
                lines.append(
                    f"| {CASES[case]['label']} | {conns} | {labels[server]} | "
                    f"{_span([r['rps'] for r in runs], 0)} | {_span([r['p50_ms'] for r in runs], 2)} | "
                    f"{_span([r['p99_ms'] for r in runs], 2)} | {sum(r['errors'] for r in runs)} |")
    lines += ["", "Targets (reported, not asserted):", ""]
    for conns in (8, 32):
        before = _ratios(result, "small", conns, "generic", "bare")
        if before:
            lines.append(f"- (before: the generic path, {conns} connections: / bare view = {_span(before, 2)}, "
                         f"/ MapServer = {_span(_ratios(result, 'small', conns, 'generic', 'mapserver'), 2)})")
        floor = _ratios(result, "small", conns, "kent", "bare")
        if floor:
            lines.append(f"- small bbox, {conns} connections: Kent CBS / bare view = {_span(floor, 2)} "
                         f"(target ≥ 0.70: {'met' if min(floor) >= 0.7 else 'not met'})")
        peer = _ratios(result, "small", conns, "kent", "mapserver")
        if peer:
            lines.append(f"- small bbox, {conns} connections: Kent CBS / MapServer = {_span(peer, 2)} "
                         f"(target > 1: {'met' if min(peer) > 1 else 'not met'})")
    p99 = [r["p99_ms"] for r in _runs(result, "small", 8, "kent")]
    if p99:
        lines.append(f"- small bbox, 8 connections: Kent CBS p99 {_span(p99, 2)} ms "
                     f"(target < 30 ms: {'met' if max(p99) < 30 else 'not met'})")
    big = [r["p50_ms"] for r in _runs(result, "big", 1, "kent")]
    if big and result.get("raw_index_ms"):
        limit = 2 * result["raw_index_ms"] + 2
        lines.append(f"- ~1 000-building bbox, 1 connection: Kent CBS p50 {_span(big, 2)} ms against "
                     f"2 × {result['raw_index_ms']} ms (raw SQL, index plan) + 2 ms = {limit:.2f} ms "
                     f"({'met' if max(big) <= limit else 'not met'})")
    lines += ["", "### Worker memory", "",
              "| server | worker pid | RSS MiB | anonymous | file-backed (shared libraries) | PSS |",
              "|---|---|---|---|---|---|"]
    for server, workers in result["memory"].items():
        for w in workers:
            lines.append(f"| {labels.get(server, server)} | {w['pid']} | {w.get('VmRSS')} | {w.get('RssAnon')} "
                         f"| {w.get('RssFile')} | {w.get('Pss')} |")
    rss = result.get("worker_rss", {})
    if "stages" in rss:
        lines += ["", "A Kent CBS worker's RSS by stage (a child process doing what a gunicorn worker "
                      "does, no tracing): " + "; ".join(
                          f"{label}: {v.get('VmRSS')} MiB (anonymous {v.get('RssAnon')}, file "
                          f"{v.get('RssFile')})" for label, v in rss["stages"])]
    traced = result.get("worker_traced", {})
    if "imports_anon_mib" in rss:
        anon = rss["imports_anon_mib"]
        objs = traced.get("imports_traced_mib", {})
        top = sorted(anon, key=lambda k: -anon[k])[:12]
        lines += ["", f"What importing each top-level package left in a worker (exclusive of the packages "
                      f"it imported in turn; {sum(anon.values()):.0f} MiB of anonymous memory from imports "
                      f"in all; Python objects measured in a second run under tracemalloc, "
                      f"{traced.get('traced_mib', '?')} MiB of Python objects alive after the requests):",
                  "", "| package | anonymous RSS MiB | of it Python objects MiB |", "|---|---|---|"]
        lines += [f"| {name} | {anon[name]:.1f} | {objs.get(name, 0):.1f} |" for name in top]
    for key, title in (("profile", "fast path"), ("profile_generic", "generic path (CBS_OGC_FAST_ITEMS=0)")):
        lines += _profile_lines(result.get(key, {}), title)
    return lines


def _profile_lines(profile: dict, title: str) -> list[str]:
    lines: list[str] = []
    if "profile_ms_per_request" in profile:
        wanted = ("cbs/", "ogc/", "layers/", "pygeoapi/api", "django/core/handlers/base.py:_get_response",
                  "psycopg/cursor.py:execute", "whitenoise/middleware.py:__call__",
                  "django/contrib/sessions", "django/middleware/locale.py", "django/middleware/csrf.py")
        picked = [(label, ms) for label, ms in profile["profile_ms_per_request"]
                  if any(w in label for w in wanted)][:24]
        lines += ["", f"Where a small-bbox request's time goes, {title}: {profile.get('unprofiled_ms', '?')} ms "
                      f"per request through the WSGI callable in one thread without the profiler, "
                      f"{profile['per_request_ms']} ms under cProfile ({profile['profiled_requests']} requests; "
                      "cumulative ms per request, profiling inflates pure-Python parts):", "",
                  "| function | ms / request |", "|---|---|"]
        lines += [f"| `{label}` | {ms} |" for label, ms in picked]
    return lines
