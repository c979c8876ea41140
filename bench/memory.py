"""What a Kent CBS web worker's memory and per-request time go to (run by bench.http in a child
process with the bench's environment; prints one JSON document).

  python -m bench.memory rss      RSS after each stage of a worker's life, no tracing, and the
                                  anonymous RSS each top-level package's import left behind
  python -m bench.memory traced   under tracemalloc: Python objects by the package whose import
                                  created them, and live allocations by allocating file
  python -m bench.memory profile  cProfile of small-bbox requests through the WSGI application

Requests go straight to the WSGI callable gunicorn would call (no socket, no test client).
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss() -> dict:
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def call(application, path_qs: str) -> tuple[str, bytes]:
    path, _, query = path_qs.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "SCRIPT_NAME": "",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    status = []
    body = b"".join(application(environ, lambda s, h, exc=None: status.append(s)))
    return status[0], body


def package_of(filename: str) -> str:
    if "/site-packages/" in filename:
        top = filename.split("/site-packages/", 1)[1].split("/", 1)[0]
        return top.removesuffix(".py").split(".")[0]
    if filename.startswith(str(ROOT)):
        return "kent cbs: " + Path(filename).relative_to(ROOT).parts[0]
    if filename.startswith("<frozen"):
        return "python: import machinery"
    return "python: standard library"


class ImportMeter:
    """Meta-path hook measuring what each module's execution leaves allocated (Python objects
    under tracemalloc, and anonymous RSS, which also catches C libraries loaded through ctypes
    or extensions), charged to its top-level package after subtracting the modules it imported
    itself."""

    def __init__(self, traced: bool):
        import tracemalloc

        self.tracemalloc = tracemalloc if traced else None
        self.stack: list[list[float]] = []
        self.traced: dict[str, float] = {}
        self.anon: dict[str, float] = {}

    def find_spec(self, name, path=None, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                loader = spec.loader
                if loader is not None and hasattr(loader, "exec_module") and not getattr(loader, "_metered", False):
                    spec.loader = _MeteredLoader(loader, self, name.split(".")[0])
                return spec
        return None

    def enter(self) -> None:
        self.stack.append([self._traced(), rss()["RssAnon"], 0.0, 0.0])

    def _traced(self) -> float:
        return self.tracemalloc.get_traced_memory()[0] if self.tracemalloc else 0.0

    def leave(self, package: str) -> None:
        traced0, anon0, child_traced, child_anon = self.stack.pop()
        traced = self._traced() - traced0
        anon = rss()["RssAnon"] - anon0
        self.traced[package] = self.traced.get(package, 0) + traced - child_traced
        self.anon[package] = self.anon.get(package, 0) + anon - child_anon
        if self.stack:
            self.stack[-1][2] += traced
            self.stack[-1][3] += anon


class _MeteredLoader:
    _metered = True

    def __init__(self, loader, meter: ImportMeter, package: str):
        self._loader, self._meter, self._package = loader, meter, package

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._meter.enter()
        try:
            self._loader.exec_module(module)
        finally:
            self._meter.leave(self._package)


def main(mode: str, urls: list[str]) -> dict:
    out: dict = {"stages": [("interpreter started", rss())]}
    if mode == "traced":
        import tracemalloc

        tracemalloc.start()
    meter = ImportMeter(traced=mode == "traced")
    if mode in ("rss", "traced"):
        sys.meta_path.insert(0, meter)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
    from cbs.wsgi import application  # as gunicorn serves it (the fast lane, gc.freeze)

    out["stages"].append(("Django set up, WSGI application loaded", rss()))
    for url in urls:
        for _ in range(3):
            status, _body = call(application, url)
            assert status.startswith("200"), (url, status)
    out["stages"].append(("after the benchmark's items requests", rss()))
    if mode == "traced":
        snapshot = tracemalloc.take_snapshot()
        sizes: dict[str, int] = {}
        for stat in snapshot.statistics("filename"):
            name = package_of(stat.traceback[0].filename)
            sizes[name] = sizes.get(name, 0) + stat.size
        out["traced_mib"] = round(sum(sizes.values()) / 2**20, 1)
        out["packages"] = [(name, round(size / 2**20, 1))
                           for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:12]]
    if mode in ("rss", "traced"):  # per top-level package: what importing it left behind
        out["imports_traced_mib"] = {name: round(v / 2**20, 2) for name, v in meter.traced.items()}
        out["imports_anon_mib"] = {name: round(v, 2) for name, v in meter.anon.items()}
    if mode == "profile":
        import cProfile
        import pstats
        import time

        n = 300
        for _ in range(50):  # warm
            call(application, urls[0])
        start = time.perf_counter()
        for _ in range(n):
            call(application, urls[0])
        out["unprofiled_ms"] = round((time.perf_counter() - start) * 1000 / n, 2)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        for _ in range(n):
            call(application, urls[0])
        profiler.disable()
        out["per_request_ms"] = round((time.perf_counter() - start) * 1000 / n, 2)
        stats = pstats.Stats(profiler)
        rows = []
        for (filename, line, func), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            rows.append((cumulative * 1000 / n, f"{_short(filename)}:{func}"))
        rows.sort(reverse=True)
        out["profile_ms_per_request"] = [(label, round(ms, 2)) for ms, label in rows[:45]]
        out["profiled_requests"] = n
    return out


def _short(filename: str) -> str:
    if "/site-packages/" in filename:
        return filename.split("/site-packages/", 1)[1]
    if filename.startswith(str(ROOT)):
        return str(Path(filename).relative_to(ROOT))
    return filename.rsplit("/", 1)[-1]


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2:])
    print("BENCH-JSON " + json.dumps(result))
