"""MapServer as a small FastCGI process pool beside each Django process.

The engine listens only on a Unix socket under var/ (mode 0700 folder): nothing outside this
host's Django can reach it, and Django talks to it only after the access gate (ogc/ows.py).
Started on first use, restarted if it died; the mapfile is chosen per request (MS_MAPFILE,
set by us, never by the caller), so one pool serves every generation's mapfile.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings

from .fastcgi import EngineError, fastcgi_request, split_cgi

MAPSERV = "/usr/lib/cgi-bin/mapserv"
_lock = threading.Lock()  # guards only the start of this process's pool, not requests
_pool: dict[str, object] = {}


_made: set[Path] = set()


def engine_dir() -> Path:
    folder = Path(settings.CBS_OWS_DIR)
    if folder not in _made:  # once per process (a mkdir per request costs ~0.3 ms)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _made.add(folder)
    return folder


def _config_file(folder: Path) -> Path:
    """MapServer 8's own configuration: mapfiles only from our folder, no MAP= from outside."""
    path = folder / "mapserver.conf"
    text = (
        "CONFIG\n  ENV\n"
        f'    MS_MAP_PATTERN "^{folder}/[a-z0-9_-]+\\.map$"\n'
        '    MS_MAP_NO_PATH "1"\n'
        "  END\nEND\n"
    )
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)
    return path


def _alive() -> bool:
    procs = _pool.get("procs") or []
    return bool(procs) and all(p.poll() is None for p in procs) and _pool.get("pid") == os.getpid()


def socket_path() -> str:
    """The socket of this process's engine pool, started if needed."""
    if _alive():
        return _pool["socket"]
    with _lock:
        if not _alive():
            _start()
        return _pool["socket"]


def _start() -> None:
    if not os.access(MAPSERV, os.X_OK):
        raise EngineError(f"{MAPSERV} is missing (Debian package cgi-mapserver)")
    _stop()
    folder = engine_dir()
    path = folder / f"engine-{os.getpid()}.sock"
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(64)
    env = {"PATH": "/usr/bin:/bin", "MAPSERVER_CONFIG_FILE": str(_config_file(folder)),
           "PROJ_NETWORK": "OFF", "LANG": "C.UTF-8"}
    # Each process accepts on the same listening socket (stdin, as FastCGI expects).
    procs = [subprocess.Popen([MAPSERV], stdin=listener.fileno(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, close_fds=True,
                              preexec_fn=_die_with_parent)
             for _ in range(settings.CBS_OWS_PROCESSES)]
    listener.close()
    _pool.update(procs=procs, socket=str(path), pid=os.getpid())


def _die_with_parent() -> None:
    """In the child before exec: end with the Django process even if it is killed (no atexit)."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop() -> None:
    for proc in _pool.get("procs") or []:
        if _pool.get("pid") == os.getpid() and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
    if _pool.get("socket") and _pool.get("pid") == os.getpid():
        Path(_pool["socket"]).unlink(missing_ok=True)
    _pool.clear()


atexit.register(_stop)


def engine_call(mapfile: Path, params: dict[str, str], *, script_name: str,
                host: str) -> tuple[int, dict[str, str], bytes]:
    """One OWS request to the engine: status, headers, body. `params` are already whitelisted."""
    from urllib.parse import urlencode

    cgi = {
        "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": urlencode(params), "SCRIPT_NAME": script_name, "SERVER_NAME": host,
        "MS_MAPFILE": str(mapfile), "CONTENT_LENGTH": "0",
    }
    for attempt in range(2):
        try:
            out, _err = fastcgi_request(socket_path(), cgi)
            return split_cgi(out)
        except EngineError:
            if attempt:
                raise
            with _lock:  # a crashed engine process: start the pool again once
                _stop()
            time.sleep(0.05)
    raise AssertionError("unreachable")


