"""Statements on a hot path that PostgreSQL plans once per connection instead of per request.

Django's psycopg backend binds parameters on the client (the values are written into the
statement's text), so PostgreSQL parses and plans every request's statement anew – for the OGC
fast path's one statement that was 0.6 ms of planning against 0.4 ms of execution. Here the
statement runs on a server-binding psycopg cursor: the text is the same for every request and
the values travel apart, so it is prepared on each connection's first run and later requests
only execute it (Django turns psycopg's preparing off, `prepare_threshold` None: it is turned on
for the connection here; Django's own client-binding cursors never prepare). The connection
also plans prepared statements once for all values (`plan_cache_mode = force_generic_plan`):
PostgreSQL would otherwise keep re-planning them (a custom plan each time) when it cannot show
that the generic plan is cheaper – for a bbox whose size it cannot know it never can. Only the
statements here are prepared, so nothing else is planned differently; a statement for which one
plan does not fit every value does not belong here. The cursor is still Django's
wrapper around it: errors become django.db errors, execute wrappers and the test suite's query
capture see it as any other statement.

Not for statements whose text varies per request (they would only fill psycopg's cache of 100
prepared statements per connection), nor behind a pooler in transaction mode (PgBouncer):
prepared statements live on the server connection (README, "Connections").
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Sequence

import psycopg
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connection, connections, transaction


class _PreparingCursor(psycopg.Cursor):
    """Server-side binding, and every statement prepared (Django's wrapper passes no `prepare`)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


# Connections whose session plans prepared statements generically (a SET made inside a
# transaction counts only once that transaction is over: it may be rolled back).
_GENERIC: weakref.WeakSet = weakref.WeakSet()


def _prepare_on(conn: psycopg.Connection) -> None:
    if conn.prepare_threshold is None:
        conn.prepare_threshold = 5
    if conn in _GENERIC:
        return
    idle = conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    conn.execute("SET plan_cache_mode = force_generic_plan")
    if idle:
        _GENERIC.add(conn)


# One preparing cursor per database connection, kept: a new psycopg cursor builds its own
# adapters (a transformer whose dumpers and loaders are looked up again for every value) – 0.1 M
# instructions of a small-bbox request's 2 M. A connection serves one thread at a time (Django
# lends it to one request: its own per-thread connection, or one from the pool), so its cursor
# does too. The cursor is kept on its connection (CURSOR_ATTRIBUTE): the two live and go
# together, pooled or not. A kept cursor holds its last result until its next statement: after
# one of more than KEPT_ROWS_MAX rows or KEPT_RESULT_MAX characters (a page of thousands of
# features, a big tile) the cursor is closed instead. It keeps the connection's type adapters as
# they were when it was made (after Django's and PostGIS's registration on connecting); the
# statements here send and read plain numbers, text and bytes.
CURSOR_ATTRIBUTE = "cbs_prepared_cursor"
KEPT_RESULT_MAX = 256 * 1024
KEPT_ROWS_MAX = 1000


def _cursor(conn: psycopg.Connection) -> _PreparingCursor:
    cursor = getattr(conn, CURSOR_ATTRIBUTE, None)
    if cursor is None or cursor.closed:
        cursor = _PreparingCursor(conn)
        setattr(conn, CURSOR_ATTRIBUTE, cursor)
    return cursor


def _text_size(row: tuple) -> int:
    size = 0
    for value in row:
        if isinstance(value, str | bytes | bytearray | memoryview):
            size += len(value)
    return size


def _large(rows) -> bool:
    """rows: fetchone's row (a tuple), fetchall's list, or None."""
    if rows is None:
        return False
    if isinstance(rows, tuple):
        return _text_size(rows) > KEPT_RESULT_MAX
    return len(rows) > KEPT_ROWS_MAX or sum(map(_text_size, rows)) > KEPT_RESULT_MAX


def fetchone(sql: str, params: Sequence | dict, *, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    """The first row of `sql` run with server-side binding (placeholders %s or %(name)s) on the
    connection `using`."""
    return _run(sql, params, using, lambda cursor: cursor.fetchone())


def fetchall(sql: str, params: Sequence | dict = (), *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Every row of `sql`, as fetchone()."""
    return _run(sql, params, using, lambda cursor: cursor.fetchall())


def _run(sql: str, params, using: str, fetch):
    conn = connections[using]
    conn.ensure_connection()
    with conn.wrap_database_errors:
        _prepare_on(conn.connection)
        raw = _cursor(conn.connection)
    # Django's wrapper (errors, execute wrappers, the query log), not closed: the cursor is kept.
    logged = conn.queries_logged
    cursor = conn.make_debug_cursor(raw) if logged else conn.make_cursor(raw)
    previous = raw.pgresult
    cursor.execute(sql, params)
    if previous is not None and raw.pgresult is previous:
        # An execute wrapper that did not run the statement: never read the last one's rows.
        raise ProgrammingError("the statement was not run")
    rows = fetch(cursor)
    if _large(rows):
        raw.close()  # its result goes with it; the connection's next statement makes a new one
    if logged and conn.queries_log and conn.queries_log[-1]["sql"] is None:
        # Django's query log reads the text off a client-binding cursor: give it the statement
        # with its values, as it shows any other.
        conn.queries_log[-1]["sql"] = conn.ops.compose_sql(sql, params)
    return rows


PARAMETER = re.compile(r"%\((\w+)\)s")


def generic_plan(sql: str, params: dict, *, analyze: bool = False) -> dict:
    """EXPLAIN (FORMAT JSON) of the plan fetchone() runs for `sql` (named parameters): the generic
    plan, planned without the values (tests and the bench check it uses the indexes)."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"
    numbered = PARAMETER.sub(number, sql)
    options = "FORMAT JSON, ANALYZE" if analyze else "FORMAT JSON"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE cbs_generic_plan AS {numbered}")
        try:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.execute(f"EXPLAIN ({options}) EXECUTE cbs_generic_plan({placeholders})",
                           [params[name] for name in names])
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE cbs_generic_plan")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]
