"""gunicorn for `make run` (scripts/serve.sh) and the app container; every value from the environment.

Threads, not only processes: most of a request's time is spent waiting on PostgreSQL, and each
worker process holds Django, GDAL and pygeoapi (about 180 MB). Database connections per process
are bounded by its pool (CBS_DB_POOL_MAX, set to the thread count by serve.sh and compose).
"""

import os
import signal


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default  # set but empty (.env files): the default


_cores = os.cpu_count() or 2
bind = _env("CBS_BIND", "0.0.0.0:8000")
# Default: one process per core, at least 2, at most 4 (beyond that, add hosts or set it).
workers = int(_env("CBS_WEB_WORKERS", str(min(max(_cores, 2), 4))))
worker_class = "gthread"
threads = int(_env("CBS_WEB_THREADS", "4"))
# A little above CBS_REQUEST_TIMEOUT (the longest synchronous request: a layer export through
# ogr2ogr, a report PDF) and below deploy/nginx.conf's proxy_read_timeout (360 s); long work goes
# to the queue. (With gthread a request thread is not timed by gunicorn: the proxy cuts it;
# gunicorn restarts a worker whose main loop stops answering for this long.)
timeout = int(_env("CBS_WEB_TIMEOUT", str(int(_env("CBS_REQUEST_TIMEOUT", "300")) + 30)))
graceful_timeout = int(_env("CBS_WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Each worker process listens on its own socket (SO_REUSEPORT) and the kernel spreads new
# connections over them. On one shared socket the first worker to wake takes a connection, and a
# keep-alive connection stays with the worker that took it: measured (issue 16), 32 connections
# opened at once sometimes all landed on one of two workers – half the throughput until they were
# closed, while the other worker idled. TCP only (on_starting): a Unix socket path cannot be
# shared so. Off with CBS_WEB_REUSE_PORT=0. The price: connections still waiting in the queue of
# a worker that stops (restart, crash) are reset instead of going to another worker; on Linux
# 5.14+ the host's `sysctl net.ipv4.tcp_migrate_req=1` hands them over.
reuse_port = _env("CBS_WEB_REUSE_PORT", "1") != "0"
# The application is loaded once, in the master, and each worker is a fork of it: a new or
# restarted worker serves at once (a worker that loaded Django itself took 2-3 s, and the
# connections the kernel gave its socket meanwhile waited that long: p99 0.7-2 s measured), and
# the workers share the loaded code's memory (cbs.wsgi freezes it). Nothing the master opened may
# be shared: pre_fork closes it (importing cbs.wsgi opens no database connection; pyproj's
# read-only proj.db handle is the master thread's, and request threads open their own).
preload_app = _env("CBS_WEB_PRELOAD", "1") != "0"
accesslog = os.environ.get("CBS_WEB_ACCESS_LOG", "-") or None
errorlog = "-"
# gunicorn's control socket (for `gunicornc`) only where asked for: by default it would be one
# path per user, shared by every gunicorn on the machine.
control_socket = os.environ.get("CBS_WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def tcp_only(binds: list[str]) -> bool:
    return all(not b.startswith(("unix:", "fd://")) for b in binds)


def on_starting(server) -> None:
    # Before any socket is made; `bind` may have come from the command line. Sockets handed over
    # by systemd are the master's to share (gunicorn ignores them with reuse_port).
    from gunicorn import systemd

    if server.cfg.reuse_port and (not tcp_only(server.cfg.bind) or systemd.listen_fds(False)):
        server.cfg.set("reuse_port", False)


def pre_fork(server, worker) -> None:
    if not server.cfg.preload_app:
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
    # A psycopg pool's threads do not survive a fork. The open pools are kept by alias on the
    # backend class, whichever thread opened them (reading `connection.pool` would open one).
    for alias in connections:
        if alias in getattr(type(connections[alias]), "_connection_pools", {}):
            connections[alias].close_pool()


def post_worker_init(worker) -> None:
    """Ctrl-C in a terminal signals every process of its group, the workers too, and the master
    then tells each worker to quit as well: gunicorn's gthread worker runs its quit handler a
    second time inside the first and hangs there for good (seen with 27.0.1). The master alone
    stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

