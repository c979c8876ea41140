"""`make run` serves like production: scripts/serve.sh starts gunicorn and the queue's worker,
each process holds a bounded number of database connections, and Ctrl-C (SIGINT to the whole
process group, as a terminal sends it) stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection

from tests.conftest import clear_queue, url_of_the_test_database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connections() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT application_name, count(*) FROM pg_stat_activity "
                       "WHERE datname = current_database() GROUP BY 1")
        return dict(cursor.fetchall())


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        return response.status


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_gunicorn_and_the_worker_with_bounded_connections(django_db_setup, django_db_blocker,
                                                                     tmp_path):
    port, log = _free_port(), tmp_path / "serve.log"
    with django_db_blocker.unblock():
        clear_queue()
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            ["bash", str(settings.BASE_DIR / "scripts" / "serve.sh")], cwd=settings.BASE_DIR, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "DATABASE_URL": url_of_the_test_database(), "PY": sys.executable, "PORT": str(port),
                 "CBS_WEB_WORKERS": "1", "CBS_WEB_THREADS": "2", "CBS_WORKER_CONCURRENCY": "1",
                 "CBS_WEB_ACCESS_LOG": ""})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                assert _get(base + "/") == 200
                break
            except OSError:
                assert serve.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
        with django_db_blocker.unblock():
            while "kentcbs-worker" not in _connections():  # the worker is up too
                assert serve.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
            held: dict[str, int] = {}
            with ThreadPoolExecutor(max_workers=16) as pool:  # more requests than threads
                answers = [pool.submit(_get, f"{base}/ogc/collections?n={i}") for i in range(48)]
                while not all(a.done() for a in answers):
                    for name, count in _connections().items():
                        held[name] = max(held.get(name, 0), count)
                    time.sleep(0.02)
            assert [a.result() for a in answers] == [200] * 48
            # One gunicorn process with 2 threads: its pool never holds more than 2; the worker at
            # most 3 per job (1 job at a time) + 2 for the queue + its LISTEN connection.
            assert 0 < held["kentcbs-web"] <= 2, held
            assert 0 < held.get("kentcbs-worker", 0) <= 3 * 1 + 2 + 1, held
    finally:
        os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            serve.wait(60)
        finally:
            deadline = time.monotonic() + 30
            while _group_alive(serve.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            alive = _group_alive(serve.pid)
            if alive:
                os.killpg(serve.pid, signal.SIGKILL)
            with django_db_blocker.unblock():
                clear_queue()
    assert not alive, "a process of `make run` outlived Ctrl-C: " + log.read_text(errors="replace")
    assert "Ctrl-C stops both" in log.read_text()


def test_the_served_application_freezes_what_start_up_loaded():
    """gunicorn's workers import cbs.wsgi: what it loaded is kept out of the garbage collector's
    full passes (a pass over it stalled a worker for 100–180 ms)."""
    code = "import gc, cbs.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cbs.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=settings.BASE_DIR).stdout.split()
    frozen, still_tracked = int(out[0]), int(out[1])
    assert frozen > 50_000 and still_tracked < frozen / 10
