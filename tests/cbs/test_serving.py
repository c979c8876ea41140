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


def _sockets_on(port: int) -> dict[str, list[int]]:
    """{"listen": inodes, "established": inodes} of the TCP sockets on local port `port`
    (/proc/net/tcp: no tool needed)."""
    found: dict[str, list[int]] = {"listen": [], "established": []}
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], int(fields[9])
        if int(local.split(":")[1], 16) == port:
            if state == "0A":
                found["listen"].append(inode)
            elif state == "01":
                found["established"].append(inode)
    return found


def _owners(pids: list[int], inodes: list[int]) -> dict[int, int]:
    """How many of the socket inodes each process holds."""
    wanted = {f"socket:[{i}]" for i in inodes}
    held = {}
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        held[pid] = sum(1 for fd in os.listdir(fd_dir) if os.readlink(f"{fd_dir}/{fd}") in wanted)
    return held


def _deploy_gunicorn(port: int, log, **env: str) -> subprocess.Popen:
    """gunicorn as deploy/gunicorn.conf.py configures it, two workers of two threads, on the test
    database; its output in `log`."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "cbs.wsgi:application"], cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "DATABASE_URL": url_of_the_test_database(), "CBS_WEB_WORKERS": "2",
                 "CBS_WEB_THREADS": "2", "CBS_WEB_ACCESS_LOG": "", **env})


def _children(pid: int) -> list[int]:
    return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]


def test_each_web_worker_listens_on_its_own_socket_and_connections_spread(tmp_path):
    """deploy/gunicorn.conf.py: SO_REUSEPORT, one socket per worker. On one shared socket the
    connections a client opens at once could all go to one worker (issue 16's bench: half the
    throughput while the other worker idled)."""
    port, log = _free_port(), tmp_path / "gunicorn.log"
    server = _deploy_gunicorn(port, log)
    clients: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 120
        while True:  # both workers booted: each answers on its own socket
            workers = _children(server.pid)
            if len(workers) == 2 and "Booting worker" in log.read_text() and _sockets_on(port)["listen"]:
                break
            assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        time.sleep(2)
        listening = _owners([server.pid, *workers], _sockets_on(port)["listen"])
        assert listening == {server.pid: 0, workers[0]: 1, workers[1]: 1}, listening
        for _ in range(32):
            clients.append(socket.create_connection(("127.0.0.1", port)))
        while True:  # every connection accepted by a worker
            held = _owners(workers, _sockets_on(port)["established"])
            if sum(held.values()) == 32:
                break
            assert time.monotonic() < deadline, held
            time.sleep(0.1)
        # The kernel spreads them by address: a split below 4/28 has odds of about 3 in a million.
        assert min(held.values()) >= 4, held
    finally:
        for client in clients:
            client.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_reuse_port_only_for_tcp(monkeypatch):
    """A Unix socket path cannot be shared by the workers, and sockets systemd hands over are the
    master's: there the master's one socket stays."""
    import runpy

    from gunicorn.config import Config

    conf = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    assert conf["reuse_port"] is True
    for binds, expected in ((["127.0.0.1:8000"], True), (["[::1]:8000", "0.0.0.0:80"], True),
                            (["unix:/run/kentcbs.sock"], False), (["127.0.0.1:8000", "fd://3"], False)):
        cfg = Config()
        cfg.set("bind", binds)
        cfg.set("reuse_port", True)
        conf["on_starting"](type("Arbiter", (), {"cfg": cfg})())
        assert cfg.reuse_port is expected, binds
    monkeypatch.setenv("LISTEN_PID", str(os.getpid()))  # systemd socket activation
    monkeypatch.setenv("LISTEN_FDS", "1")
    cfg = Config()
    cfg.set("bind", ["127.0.0.1:8000"])
    cfg.set("reuse_port", True)
    conf["on_starting"](type("Arbiter", (), {"cfg": cfg})())
    assert cfg.reuse_port is False
    assert os.environ["LISTEN_FDS"] == "1", "left for the arbiter to read"


def test_serve_refuses_a_port_in_use(tmp_path):
    """Workers bind with SO_REUSEPORT: without this check a second `make run` would share the
    port with the first instead of failing."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(["bash", str(settings.BASE_DIR / "scripts" / "serve.sh")], cwd=settings.BASE_DIR,
                              env={**os.environ, "PY": sys.executable, "PORT": str(port)},
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"127.0.0.1:{port} is in use" in done.stderr
    assert "gunicorn" not in done.stdout


def test_a_restarted_web_worker_serves_at_once(django_db_setup, tmp_path):
    """preload_app: a worker is a fork of the master, which loaded the site. A worker that loaded
    Django itself took seconds, and with one socket per worker the connections the kernel gave
    the booting worker waited that long."""
    port, log = _free_port(), tmp_path / "gunicorn.log"
    server = _deploy_gunicorn(port, log, CBS_DB_POOL_MAX="2")
    url = f"http://127.0.0.1:{port}/ogc/conformance?f=json"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                assert _get(url) == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
        workers = _children(server.pid)
        os.kill(workers[0], signal.SIGKILL)
        while True:  # the master has forked its replacement
            now = _children(server.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.01)
        slowest = 0.0
        for _ in range(40):  # new connections: the kernel gives about half to the new worker
            start = time.monotonic()
            assert _get(url) == 200
            slowest = max(slowest, time.monotonic() - start)
        assert slowest < 1.0, f"a request waited {slowest:.2f} s for a booting worker"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_the_master_shares_no_database_connection_with_its_workers(django_db_setup, tmp_path):
    """pre_fork closes what the master may have opened – a connection, a pool with its threads –
    before each fork (preload_app)."""
    script = """
import os, runpy
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
import django
django.setup()
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
connection.ensure_connection()
assert connection.connection is not None and "default" in DatabaseWrapper._connection_pools
conf = runpy.run_path("deploy/gunicorn.conf.py")
conf["pre_fork"](type("Arbiter", (), {"cfg": type("Cfg", (), {"preload_app": True})()})(), None)
assert connection.connection is None, "connection left open"
assert DatabaseWrapper._connection_pools == {}, "pool left open"
print("closed")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url_of_the_test_database(), "CBS_DB_POOL_MAX": "2"},
                          timeout=120)
    assert done.returncode == 0 and "closed" in done.stdout, done.stderr[-2000:]
