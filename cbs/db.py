"""Which database a read goes to: the primary ("default") or the optional read replica.

With `DATABASE_REPLICA_URL` set (cbs/settings.py adds the "replica" alias, `ReplicaRouter` and
`RecentWriteMiddleware`), reads that may be a moment old go to a streaming hot standby:

- *where*: only inside a replica scope – the OGC API's read routes (the gate opens it after it
  has decided who the caller is, ogc/views.py `gated`) and the reports (`replica_reads`). Raw
  cursors there use ``connections[read_alias()]``, the ORM gets the same answer from the router.
  Outside a scope (the map, the editor, the back office, commands, the worker) every read is on
  the primary, as without a replica.
- *what stays on the primary* even inside a scope: every write; identities, sessions,
  permissions and partner tokens; the audit and access logs; the import jobs; and the gate's
  publication states and generations (layers/state.py). Only the apps in `REPLICA_APPS` are
  routed, and of those not `PRIMARY_MODELS`.
- *read-your-writes*: a request with an unsafe method (POST/PUT/PATCH/DELETE) gets a signed cookie
  `cbs_recent_write_until`; for `CBS_REPLICA_STICKY_SECONDS` (5) that browser's reads stay on
  the primary. By method rather than by sniffing statements: every request writes its access
  record, GETs may save sessions and count token use, so statement sniffing would
  need a list of writes to ignore that rots with every change; and every user-visible write goes
  through a POST/PUT/PATCH/DELETE by the architecture's rules (services behind forms with CSRF,
  OGC Part 4), at no cost per statement.
- *fence*: an OGC request read the publication states and data/configuration generations from
  the primary (the gate). The replica is used only if its copy of those same rows is identical –
  one small query on the replica, made only when the request actually needs data (a cached tile
  never asks). So a layer withdrawn, republished, edited or re-imported (by anyone: another
  browser, a partner's token, the worker) is never served, and never cached under the new
  generation, from a replica that has not replayed it yet; that request reads the primary.
  Reports have no such generations: they may be up to `CBS_REPLICA_MAX_LAG_SECONDS` (30) old,
  measured by the replica as the age of the last transaction it replayed; past that, or when the
  replica cannot be reached (then for `RETRY_SECONDS`), they read the primary.

Without the replica, `read_alias()` returns "default" at its first line, no router or
middleware is installed, and nothing else changes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

if TYPE_CHECKING:  # cbs/settings.py imports this module: nothing here may need settings yet
    from django.http import HttpRequest, HttpResponse

DEFAULT = DEFAULT_DB_ALIAS
REPLICA = "replica"
STICKY_COOKIE = "cbs_recent_write_until"
STICKY_SALT = "cbs.db.recent-write"
READ_METHODS = frozenset({"GET", "HEAD"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Data that may be read a moment late: the layers (features, metadata) and the back office.
REPLICA_APPS = frozenset({"layers", "tickets", "assets", "reports"})
# ...except the gate's truth and the import jobs' progress.
PRIMARY_MODELS = frozenset({"layers.LayerPublication", "layers.LayerCounter", "layers.ImportJob"})
RETRY_SECONDS = 10.0  # after the replica failed to answer, the primary serves for this long

log = logging.getLogger(__name__)
_scope: ContextVar[HttpRequest | None] = ContextVar("cbs_replica_scope", default=None)
_replica_down_until = 0.0  # monotonic; one float per process, replaced whole (no lock)


def replica_settings(url: str, default: dict) -> dict:
    """The "replica" entry of DATABASES for a PostgreSQL URL: the primary's engine and connection
    lifetime (so the same bound on connections: one per worker thread and alias), read-only
    sessions, a short connect timeout (a dead replica only sends reads back to the primary) and a
    health check on reuse (a restarted standby)."""
    import dj_database_url

    entry = dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
    options = {**default.get("OPTIONS", {}), **entry.get("OPTIONS", {})}
    options["options"] = " ".join(filter(None, [options.get("options", ""),
                                                "-c default_transaction_read_only=on"]))
    options.setdefault("connect_timeout", 2)
    entry.update(ENGINE=default["ENGINE"], OPTIONS=options, CONN_HEALTH_CHECKS=True)
    return entry


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_scope(request: HttpRequest) -> Iterator[None]:
    """Reads of this request inside the block may go to the replica (see the module doc)."""
    if REPLICA not in connections.settings:
        yield
        return
    token = _scope.set(request)
    try:
        yield
    finally:
        _scope.reset(token)


def replica_reads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: the view's reads may go to the replica. Put it below the permission
    decorators, whose reads belong on the primary."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with replica_scope(request):
            return view(request, *args, **kwargs)
    return wrapper


def read_alias(request: HttpRequest | None = None) -> str:
    """The database alias for a read of `request` (default: the request of the current replica
    scope): "replica" or "default". The one place that decides; raw cursors use
    ``connections[read_alias()]``, the router asks it too."""
    if REPLICA not in connections.settings:
        return DEFAULT
    if request is None:
        request = _scope.get()
        if request is None:
            return DEFAULT
    if request.method not in READ_METHODS or connections[DEFAULT].in_atomic_block:
        return DEFAULT  # a write, or reads inside a transaction of the primary
    alias = getattr(request, "_cbs_read_alias", None)
    if alias is None:
        alias = request._cbs_read_alias = _decide(request)
    return alias


def _now() -> float:
    return time.time()


def recent_write(request: HttpRequest) -> bool:
    """Whether this browser wrote within the last CBS_REPLICA_STICKY_SECONDS."""
    value = request.get_signed_cookie(STICKY_COOKIE, default=None, salt=STICKY_SALT)
    try:
        return value is not None and float(value) > _now()
    except ValueError:
        return False


def _decide(request: HttpRequest) -> str:
    global _replica_down_until
    if recent_write(request) or time.monotonic() < _replica_down_until:
        return DEFAULT
    primary_state = getattr(request, "cbs_state", None)  # set by the OGC gate, from the primary
    try:
        if primary_state is not None:
            from layers.state import layer_state

            if layer_state(using=REPLICA) != primary_state:
                return DEFAULT  # the replica has not replayed a change the gate has seen
        else:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
                lag = cursor.fetchone()[0]
            if lag is None or lag > settings.CBS_REPLICA_MAX_LAG_SECONDS:
                return DEFAULT
    except DatabaseError as exc:
        _replica_down_until = time.monotonic() + RETRY_SECONDS
        log.warning("read replica unavailable, reading from the primary for %ss: %s",
                    RETRY_SECONDS, exc)
        connections[REPLICA].close()
        return DEFAULT
    return REPLICA


class ReplicaRouter:
    """ORM reads of replica-eligible models follow `read_alias()`; everything else, and every
    write and migration, is the primary's."""

    def db_for_read(self, model, **hints) -> str | None:
        meta = model._meta
        if meta.app_label not in REPLICA_APPS or meta.label in PRIMARY_MODELS:
            return DEFAULT
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT


class RecentWriteMiddleware:
    """Marks a browser that just sent a write, so its next reads see it (read-your-writes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS:
            seconds = settings.CBS_REPLICA_STICKY_SECONDS
            response.set_signed_cookie(
                STICKY_COOKIE, f"{_now() + seconds:.3f}", salt=STICKY_SALT,
                max_age=math.ceil(seconds) + 1, secure=settings.SESSION_COOKIE_SECURE,
                httponly=True, samesite="Lax")
        return response
