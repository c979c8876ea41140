"""Writing feature versions into a layer's history table, set-based, and hashing what was written.

Every writer (layers.services, the import writer, the import revert) calls `record_versions()`
inside its own transaction, right after it changed the layer table (or, for a deletion, right
before): one INSERT … SELECT copies the affected rows of the layer table into `<table>_surum`
and closes their previous open versions (surumBitisZamani). The same statement returns the
SHA-256 of what it wrote, which the writer puts into its audit record: the audit trail keeps
who, when, why and the request id with that hash, the history table keeps the data.

The hash of a set of history rows is sha256 over the concatenated sha256 of each row's
canonical text, in id order (`set_hash_sql`); a row's canonical text (`row_text_sql`) is built
by PostgreSQL from every column except the id and the version end (which closes later), with
formats that do not depend on session settings (UTC timestamps, hex EWKB, exact floats).
`verify_history()` recomputes the hashes of audit records that name history rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Model

from cbs.audit.context import current

from .models.history import SPAN_FIELDS, Operation
from .registry import Layer

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout

qn = connection.ops.quote_name

# Columns of a history row that are not copied from the layer row.
OWN = ("id", "tucbs_no", "version", "surum_baslangic_zamani", "surum_bitis_zamani", "operation", "user",
       "actor", "request_id", "import_job", "reason")


def copied_fields(layer: type[Layer]) -> list[tuple[str, str]]:
    """(history column, layer column) of every attribute copied into a version, geometry last."""
    pairs = [(f.column, f.column) for f in layer.property_fields() if f.name not in SPAN_FIELDS]
    pairs.append((layer.geometry().column, layer.geometry().column))
    return pairs


def _text_expr(field, expr: str) -> str:
    """A column's value as text that does not depend on session settings."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return f"to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    if kind == "DateField":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    if kind == "FloatField":
        return f"encode(float8send({expr}), 'hex')"
    if hasattr(field, "geom_type"):
        return f"encode(ST_AsEWKB({expr}, 'NDR'), 'hex')"
    if kind == "ForeignKey":
        return f"({expr})::text"
    return f"({expr})::text"


def row_text_sql(history: type[Model], alias: str = "h") -> str:
    """SQL text of a history row's canonical form (a row literal of its columns but id and end)."""
    parts = [_text_expr(f, f"{alias}.{qn(f.column)}") for f in history._meta.concrete_fields
             if f.name not in ("id", "surum_bitis_zamani")]
    return f"ROW({', '.join(parts)})::text"


def set_hash_sql(history: type[Model], alias: str = "h") -> str:
    """Aggregate: sha256 over the rows' own sha256 in id order (hex), NULL for no rows."""
    return (f"encode(sha256(string_agg(sha256(convert_to({row_text_sql(history, alias)}, 'UTF8')), ''::bytea "
            f"ORDER BY {alias}.id)), 'hex')")


def returning_hash_sql(history: type[Model], alias: str = "h") -> str:
    """RETURNING list of an INSERT into the history: the id and the row's own sha256 (`row_sha`),
    computed from the row as stored. The statement's aggregate (`SET_HASH_OF_RETURNED`) then
    sorts 40-byte rows instead of keeping every written row (geometry included) to hash later."""
    return f"{alias}.id, sha256(convert_to({row_text_sql(history, alias)}, 'UTF8')) AS row_sha"


# Over rows returned with returning_hash_sql: the same value set_hash_sql gives over the stored rows.
SET_HASH_OF_RETURNED = "encode(sha256(string_agg(row_sha, ''::bytea ORDER BY id)), 'hex')"


# From this many rows on, written_hash has the planner look at the written ids first.
PARALLEL_HASH_ROWS = 50_000


def written_hash(history: type[Model], first: int, last: int) -> tuple[int, str]:
    """(count, set hash) of the history rows with ids first..last, read back right after one
    statement wrote them – the same value as hashing them in that statement's RETURNING, and for
    big sets cheaper: at 200 000 building versions the insert with the row hashes in RETURNING
    took 15.1–20.1 s, the insert returning ids 12.2–15.4 s plus this query 1.4–2.2 s."""
    with connection.cursor() as cursor:
        if last - first >= PARALLEL_HASH_ROWS:
            # The ids were just written: the statistics end below them, the planner would expect a
            # few rows and hash them in one process (8.7 s at a million; with the id column
            # sampled again, 0.2 s, it takes parallel workers: 3.9 s).
            _sample_ids(history)
        cursor.execute(range_hash_sql(history), {"first": first, "last": last})
        return cursor.fetchone()


# How long the sampling may wait for a table another session vacuums or analyses.
SAMPLE_LOCK_TIMEOUT = "1s"


def _sample_ids(history: type[Model]) -> None:
    """ANALYZE the history's id column, or nothing if that would wait: the lock it takes is held
    until the import commits, and while the import waits for it, so does every editor of the
    layer. Without new statistics the hash is the same, only computed in one process."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # SET LOCAL outlives a released savepoint: the previous value is put back below.
            cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                           [SAMPLE_LOCK_TIMEOUT])
            previous = cursor.fetchone()[0]
            cursor.execute(f"ANALYZE {qn(history._meta.db_table)} (id)")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        logger.info("%s: statistics not refreshed (the table is locked); hashing in one process",
                    history._meta.db_table)


def range_hash_sql(history: type[Model]) -> str:
    """(count, set hash) of the history rows with ids %(first)s..%(last)s.

    The rows' own hashes are computed in a subquery the planner keeps as it is (OFFSET 0), below
    the ordered aggregate: so parallel workers may compute them (the canonical text and its
    sha256, ~8 µs a building) while the aggregate, which needs them in id order, runs in one
    process. Flattened, every hash was computed in the aggregate's process: 8.0 s against
    4.2 s for a million buildings on two cores. Same value as set_hash_sql."""
    return (f"SELECT count(*), {SET_HASH_OF_RETURNED} FROM (SELECT h.id, "  # noqa: S608
            f"sha256(convert_to({row_text_sql(history)}, 'UTF8')) AS row_sha "
            f"FROM {qn(history._meta.db_table)} h WHERE h.id BETWEEN %(first)s AND %(last)s OFFSET 0) q")


@dataclass(frozen=True)
class Written:
    """History rows one statement (or one writer) added: count, id range, hash."""

    table: str
    rows: int
    first: int | None
    last: int | None
    sha256: str | None

    def as_audit(self) -> dict:
        return {"table": self.table, "rows": self.rows, "first_id": self.first, "last_id": self.last,
                "sha256": self.sha256}


def who(user=None) -> dict:
    """Who and from where, as the audit trail records it (user id, actor label, request id)."""
    ctx = current.get()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return {"user_id": user.pk if authenticated else None,
            "actor": ((user.get_username() if authenticated else "") or ctx.label or "system")[:150],
            "request_id": ctx.request_id or ""}


def record_versions(layer: type[Layer], *, ids_sql: str, params: dict | None = None, operation: str, when, user=None,
                    reason: str = "", import_job=None, tombstone: bool = False, hash_after: bool = False) -> Written:
    """Copy the layer rows whose ids `ids_sql` (named parameters from `params`) selects into the history as new versions, in one
    statement, closing each feature's open version at `when`.

    A state version begins at the row's surumBaslangicZamani (the services and imports set it to
    the moment of the write). A tombstone (`tombstone=True`, called before the rows are deleted)
    keeps the last state under the next version number, begins and ends at `when`.
    `hash_after` (big sets: imports) hashes the rows with a query of its own after the insert
    (written_hash) instead of in its RETURNING list.
    """
    history = layer.history
    h_table, table = qn(history._meta.db_table), qn(layer.meta().db_table)
    pairs = copied_fields(layer)
    columns = ", ".join(qn(h) for h, _l in pairs)
    values = ", ".join(f"t.{qn(col)}" for _h, col in pairs)
    ident = who(user)
    version = "t.version + 1" if tombstone else "t.version"
    start = "%(when)s" if tombstone else 't."surumBaslangicZamani"'
    end = "%(when)s" if tombstone else "NULL"
    sql = f"""
        WITH src AS MATERIALIZED ({_src(table, ids_sql)}),
        closed AS (
            UPDATE {h_table} o SET "surumBitisZamani" = %(when)s FROM src
            WHERE o."tucbsNo" = src."tucbsNo" AND o."surumBitisZamani" IS NULL
        ), ins AS (
            INSERT INTO {h_table} AS h ("tucbsNo", version, {columns}, "surumBaslangicZamani", "surumBitisZamani",
                                        operation, user_id, actor, request_id, import_job, reason)
            SELECT t."tucbsNo", {version}, {values}, {start}, {end}, %(op)s, %(user_id)s, %(actor)s, %(request_id)s,
                   %(job)s, %(reason)s
            FROM src t
            RETURNING {"h.id" if hash_after else returning_hash_sql(history)}
        )
        SELECT count(*), min(id), max(id), {"NULL" if hash_after else SET_HASH_OF_RETURNED} FROM ins
    """  # noqa: S608  (identifiers from the registry, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**(params or {}), "when": when, "op": operation, "job": import_job,
                             "reason": reason[:200], **ident})
        rows, first, last, digest = cursor.fetchone()
    if hash_after and rows:
        digest = hash_of_written(history, rows, first, last)
    return Written(history._meta.db_table, rows, first, last, digest)


def hash_of_written(history: type[Model], rows: int, first: int, last: int) -> str:
    """The hash of the rows one statement just wrote (ids first..last, nothing else in between:
    the writer holds the layer's lock, so no other writer of this history table is inside)."""
    count, digest = written_hash(history, first, last)
    if count != rows:
        raise RuntimeError(f"history rows {first}..{last}: {count} found, {rows} written")
    return digest


def _src(table: str, ids_sql: str) -> str:
    return f"SELECT * FROM {table} WHERE id IN ({ids_sql})"  # noqa: S608


def state(layer: type[Layer], row: Model | None) -> dict | None:
    """A version as published property names -> values, plus "geometry" (EWKT) and "version"."""
    if row is None:
        return None
    data = {f.column: getattr(row, f.attname) for f in layer.history._meta.concrete_fields
            if f.name not in OWN and f.name != layer.geometry_field}
    geom = getattr(row, layer.geometry_field)
    data["geometry"] = geom.ewkt if geom is not None else None
    data["version"] = row.version
    return data


@dataclass(frozen=True)
class HistoryMismatch:
    """An audit record whose history rows no longer hash as they did when written."""

    audit_id: int
    table: str
    first: int
    last: int
    reason: str


def verify_history() -> list[HistoryMismatch]:
    """Recompute, per history table and set-based, the hash of every set of history rows an audit
    record names (edits name one row, imports one set per statement); the mismatches found.
    Records purged by log retention cannot be checked against, the history itself stays."""
    from .registry import all_layers

    found: list[HistoryMismatch] = []
    for layer in all_layers():
        history = layer.history
        table = history._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"""
                WITH parts AS (
                    SELECT a.id AS audit_id, (p->>'first_id')::bigint AS first, (p->>'last_id')::bigint AS last,
                           (p->>'rows')::bigint AS rows, p->>'sha256' AS sha256
                    FROM audit_auditrecord a
                    CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(a.after->'history')
                        WHEN 'array' THEN a.after->'history' ELSE jsonb_build_array(a.after->'history') END) p
                    WHERE a.object_type = %(type)s AND a.after ? 'history' AND p->>'table' = %(table)s
                          AND (p->>'rows')::bigint > 0
                )
                SELECT parts.audit_id, parts.first, parts.last, parts.rows, parts.sha256, got.rows, got.sha256
                FROM parts CROSS JOIN LATERAL (
                    SELECT count(*) AS rows, {set_hash_sql(history)} AS sha256 FROM {qn(table)} h
                    WHERE h.id BETWEEN parts.first AND parts.last) got
                WHERE got.rows <> parts.rows OR got.sha256 IS DISTINCT FROM parts.sha256
                ORDER BY parts.audit_id
            """, {"type": f"layer:{layer.name}", "table": table})  # noqa: S608
            for audit_id, first, last, rows, _sha, got_rows, _got_sha in cursor.fetchall():
                reason = "rows missing or added" if rows != got_rows else "content altered"
                found.append(HistoryMismatch(audit_id, table, first, last, reason))
    return found
