"""Hash chains over the log tables: append one record, seal the access log, verify a day.

Audit records (edits) are chained as they are written, under the day's chain head. Access
records (one per request, Law 5651) are only inserted – no lock shared by all requests – and
`seal_access_records()`, a periodic job, chains the committed unsealed ones in (time, id) order
a batch at a time. Until sealed (at most a sealing interval, one minute by default), a record is
in the table but not yet protected by the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from cbs import prepared

from .models import AccessRecord, AuditRecord, ChainHead, LogKind

GENESIS = "0" * 64
MODELS: dict[str, type[models.Model]] = {LogKind.AUDIT: AuditRecord, LogKind.ACCESS: AccessRecord}
CHAIN_FIELDS = {"day", "seq", "prev_hash", "hash", "id"}


def canonical(record: models.Model) -> str:
    """The record's content as stable JSON (every field except the chain's own)."""
    data = {
        f.attname: getattr(record, f.attname)
        for f in record._meta.concrete_fields if f.attname not in CHAIN_FIELDS
    }
    data["time"] = record.time.astimezone(UTC).isoformat()
    return json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)


def digest(prev_hash: str, record: models.Model) -> str:
    return hashlib.sha256((prev_hash + canonical(record)).encode()).hexdigest()


def append(record: models.Model) -> models.Model:
    """Store a record (time already set): an audit record chained now, serialised per day;
    an access record unsealed, for seal_access_records().

    An audit record takes one SQL statement in the usual case (the day's chain exists): it locks
    the chain head, computes the hash in PostgreSQL (sha256 of the previous hash and the record's
    canonical JSON, exactly what verify() recomputes), inserts the record and moves the head.
    """
    record.day = record.time.astimezone(UTC).date()
    if isinstance(record, AccessRecord):
        return _insert_unsealed(record)
    if _append_fast(LogKind.AUDIT, record):
        return record
    return _append_first_of_day(LogKind.AUDIT, record)


@lru_cache(maxsize=2)
def _unsealed_sql(relaxed: bool) -> tuple[str, tuple[models.Field, ...]]:
    meta = AccessRecord._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key and f.attname not in
                   ("seq", "prev_hash", "hash"))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Like a web server's buffered access log, a request's record does not wait for the WAL
    # flush: a database crash may lose the last fraction of a second of them (README).
    relax = "WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true)) " if relaxed else ""
    sql = (f"{relax}INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
           f"SELECT {placeholders}{' FROM cfg' if relaxed else ''} RETURNING id")
    return sql, fields


def _insert_unsealed(record: AccessRecord) -> AccessRecord:
    # Only a statement that is its own transaction may relax its commit (never an edit's).
    sql, fields = _unsealed_sql(not connection.in_atomic_block)
    # Sent for every request: planned once per connection (cbs.prepared).
    record.pk = prepared.fetchone(sql, [f.get_db_prep_save(getattr(record, f.attname), connection)
                                        for f in fields])[0]
    record._state.adding = False
    return record


@lru_cache(maxsize=1)
def _unsealed_columns() -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in _unsealed_sql(False)[1])


def unsealed_insert_sql(record: AccessRecord, source: str, computed: dict[str, str], *,
                        named: bool = False) -> tuple[str, list]:
    """`INSERT … SELECT … FROM <source>` of one unsealed access record, for a caller that sends it
    inside a statement of its own (ogc.fast_items: a read and its access record in one round
    trip). `computed` maps a column to an SQL expression over `source` (e.g. the byte count
    of a response built by that statement); the other values are bound. The record's time
    must be set. The caller's statement is its own transaction unless it runs inside one, and
    relaxes its commit like _insert_unsealed does (README: what a database crash may lose).
    `named`: placeholders %(column)s, for a statement whose other parameters are named too
    (the values then come from unsealed_values)."""
    _sql, fields = _unsealed_sql(False)
    placeholder = (lambda f: f"%({f.column})s") if named else (lambda f: "%s")
    values = [computed[f.column] if f.column in computed else placeholder(f) for f in fields]
    table = connection.ops.quote_name(AccessRecord._meta.db_table)
    return (f"INSERT INTO {table} ({_unsealed_columns()}) SELECT {', '.join(values)} FROM {source}",  # noqa: S608
            unsealed_insert_values(record, tuple(computed)))


def unsealed_insert_values(record: AccessRecord, computed: tuple[str, ...]) -> list:
    """The bound values of unsealed_insert_sql()'s statement: every column but the computed ones."""
    record.day = record.time.astimezone(UTC).date()
    fields = _unsealed_sql(False)[1]
    return list(unsealed_values({f.attname: getattr(record, f.attname) for f in fields}, computed).values())


def unsealed_values(values: dict, computed: tuple[str, ...]) -> dict:
    """The bound values of unsealed_insert_sql(…, named=True)'s statement by column, from plain
    values by attribute name (no model instance: a hot path)."""
    return {f.column: _prepared_address(values[f.attname]) if f.attname == "source_ip"
            else f.get_db_prep_save(values[f.attname], connection)
            for f in _bound_fields(computed)}


@lru_cache(maxsize=16)
def _bound_fields(computed: tuple[str, ...]) -> tuple[models.Field, ...]:
    """The columns a caller binds: all but those its statement computes (a few fixed tuples)."""
    return tuple(f for f in _unsealed_sql(False)[1] if f.column not in computed)


@lru_cache(maxsize=1024)
def _prepared_address(address: str | None):
    """A source IP as the database adapter takes it, parsed once per address (3.7 µs of every
    request otherwise; the parsed address is immutable)."""
    return AccessRecord._meta.get_field("source_ip").get_db_prep_save(address, connection)


SEAL_BATCH = 50_000


def seal_access_records(*, batch: int = SEAL_BATCH) -> int:
    """Chain the committed unsealed access records, oldest first; the number sealed.

    One sealer at a time (an advisory lock taken only here, never by requests); each day's
    chain head is locked only for the sealing transaction. Run every minute by the worker."""
    sealed = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('access:seal'))")
                if not cursor.fetchone()[0]:
                    return sealed  # another sealer is at work
            rows = list(AccessRecord.objects.filter(seq__isnull=True).order_by("time", "id")[:batch])
            if not rows:
                return sealed
            by_day: dict[date, list[AccessRecord]] = {}
            for row in rows:
                by_day.setdefault(row.day, []).append(row)
            ids, seqs, prevs, hashes = [], [], [], []
            for day, records in sorted(by_day.items()):
                head = _lock_head(LogKind.ACCESS, day)
                for row in records:
                    head.count += 1
                    row_hash = digest(head.last_hash, row)
                    ids.append(row.pk)
                    seqs.append(head.count)
                    prevs.append(head.last_hash)
                    hashes.append(row_hash)
                    head.last_hash = row_hash
                head.save(update_fields=["count", "last_hash"])
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE audit_accessrecord r SET seq = u.seq, prev_hash = u.prev, hash = u.hash "
                    "FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::text[]) AS u(id, seq, prev, hash) "
                    "WHERE r.id = u.id", [ids, seqs, prevs, hashes])
            sealed += len(rows)
        if len(rows) < batch:
            return sealed


def unsealed_count(older_than_seconds: int = 0) -> int:
    """Access records not yet chained (older than the given age): the sealer should be at 0."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return AccessRecord.objects.filter(seq__isnull=True, time__lt=cutoff).count()


@lru_cache(maxsize=2)
def _append_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field, ...]]:
    """The one-statement chained append for a log model, and the fields of its bound values."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in
              ("seq", "prev_hash", "hash")]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(meta.db_table)
    # Audit records of edits always wait for the WAL flush.
    sql = f"""
        WITH old AS (
            SELECT count, last_hash FROM audit_chainhead WHERE log = %s AND day = %s FOR UPDATE
        ), new AS (
            SELECT old.count + 1 AS seq, old.last_hash AS prev,
                   encode(sha256(convert_to(old.last_hash || %s, 'UTF8')), 'hex') AS hash
            FROM old
        ), moved AS (
            UPDATE audit_chainhead h SET count = new.seq, last_hash = new.hash FROM new
            WHERE h.log = %s AND h.day = %s RETURNING new.seq
        )
        INSERT INTO {table} ({columns}, seq, prev_hash, hash)
        SELECT {placeholders}, new.seq, new.prev, new.hash FROM new, moved
        RETURNING id, seq, prev_hash, hash
    """  # noqa: S608  (identifiers from the model, values bound)
    return sql, tuple(fields)


def _append_fast(log: str, record: models.Model) -> bool:
    """The single-statement append; False when the day has no chain head yet."""
    sql, fields = _append_sql(type(record))
    values = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [log, record.day, canonical(record), log, record.day, *values])
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk, record.seq, record.prev_hash, record.hash = row
    record._state.adding = False
    return True


def _append_first_of_day(log: str, record: models.Model) -> models.Model:
    """The first record of a day creates its chain head (under an advisory lock)."""
    with transaction.atomic():
        head = _lock_head(log, record.day)
        record.seq = head.count + 1
        record.prev_hash = head.last_hash
        record.hash = digest(record.prev_hash, record)
        record.save(force_insert=True)
        head.count, head.last_hash = record.seq, record.hash
        head.save(update_fields=["count", "last_hash"])
    return record


# The columns a bulk query gives for each record; the rest is the same for all of them.
QUERY_COLUMNS = ("action", "object_type", "object_id", "object_repr", "before", "after")
_JSON_COLUMNS = ("before", "after")


def append_query(query: str, params: Sequence, *, time: datetime, actor: str, user_id: int | None = None,
                 request_id: str = "", source_ip: str | None = None) -> int:
    """Chain and store the audit records a query describes, entirely inside PostgreSQL.

    `query` yields (action, object_type, object_id, object_repr, before, after); records are
    chained in the order it returns them (seq keeps that order); before/after are JSON text in
    canonical form (json_object_sql()) or NULL. Each record's canonical text is assembled by a
    template cut from canonical() of a probe record, and linked by the cbs_chain_link() running
    aggregate (sha256 as digest()), so verify() recomputes the same hashes from the stored rows.
    No sort: a million records stream through. The query sits behind OFFSET 0 so PostgreSQL
    does not inline it: its snapshots would otherwise be built twice, once for the hash and once
    for the stored column (15 s of 70 at a million records). Holds the day's chain head for the
    rest of the caller's transaction. Returns the number of records.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("append_query() belongs inside the writing transaction")
    day = time.astimezone(UTC).date()
    head = _lock_head(LogKind.AUDIT, day)
    content, content_params = _canonical_sql(time=time, actor=actor, user_id=user_id, request_id=request_id,
                                             source_ip=source_ip)
    columns = ", ".join(QUERY_COLUMNS)
    sql = f"""
        INSERT INTO audit_auditrecord (time, day, seq, prev_hash, hash, request_id, source_ip, user_id,
                                       actor, {columns})
        SELECT %s, %s, %s + n, left(link, 64), right(link, 64), %s, %s, %s, %s,
               action, object_type, object_id, object_repr, before::jsonb, after::jsonb
        FROM (
            SELECT row_number() OVER w AS n, cbs_chain_link(%s, {content}) OVER w AS link, q.*
            FROM (SELECT * FROM ({query}) AS q0 ({columns}) OFFSET 0) AS q
            WINDOW w AS (ROWS UNBOUNDED PRECEDING)
        ) chained
    """  # noqa: S608  (the query is the caller's SQL; values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [time, day, head.count, request_id, source_ip, user_id, actor,
                             head.last_hash, *content_params, *params])
        added = cursor.rowcount
        if added:
            cursor.execute("SELECT hash FROM audit_auditrecord WHERE day = %s AND seq = %s", [day, head.count + added])
            head.count, head.last_hash = head.count + added, cursor.fetchone()[0]
            head.save(update_fields=["count", "last_hash"])
    return added


def json_object_sql(members: dict[str, str]) -> str:
    """SQL text of a JSON object in canonical form: keys sorted as Python sorts them and
    Python's separators. `members` maps each key to an SQL expression of its JSON value text
    (to_json(...) of a string, number, boolean or date; NULL becomes null). The text is what
    json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False) gives back, which is what
    makes it hashable here and verifiable by canonical() later."""
    parts = [f"'\"{key}\": ' || coalesce(({members[key]})::text, 'null')" for key in sorted(members)]
    if not parts:
        return "'{}'"
    return "('{' || " + " || ', ' || ".join(parts) + " || '}')"


def _canonical_sql(**constants) -> tuple[str, list]:
    """SQL text of a record's canonical(), as an expression over the QUERY_COLUMNS.

    canonical() of a probe record (the constants, a marker in each query column) is cut at the
    markers; the literal pieces become bound parameters, the markers the columns: strings as
    to_json() renders them (the same escapes as Python's json), JSON columns as given.
    """
    markers = {name: f"\x01{name}\x01" for name in QUERY_COLUMNS}
    probe = AuditRecord(**constants, **markers)
    text = canonical(probe)
    pieces, params = [], []
    for name in sorted(QUERY_COLUMNS, key=lambda n: text.index(json.dumps(markers[n], ensure_ascii=False))):
        literal, text = text.split(json.dumps(markers[name], ensure_ascii=False), 1)
        params.append(literal)
        value = f"q.{name}" if name in _JSON_COLUMNS else f"to_json(q.{name}::text)::text"
        value = f"coalesce({value}, 'null')"
        pieces += ["%s::text", value]
    params.append(text)
    pieces.append("%s::text")
    return "(" + " || ".join(pieces) + ")", params


def _lock_head(log: str, day: date) -> ChainHead:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{log}:{day}"])
    head, _created = ChainHead.objects.select_for_update().get_or_create(
        log=log, day=day, defaults={"count": 0, "last_hash": GENESIS})
    return head


@dataclass(frozen=True)
class Break:
    """Where a day's chain stops verifying."""

    log: str
    day: date
    seq: int | None
    reason: str


def verify_day(log: str, day: date) -> Break | None:
    """Recompute a day's chain; the first broken record, or None when intact."""
    model = MODELS[log]
    prev, expected_seq = GENESIS, 1
    # Unsealed access records are not in the chain yet (unsealed_count() tells how many).
    for record in model.objects.filter(day=day, seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return Break(log, day, expected_seq, "missing record")
        if record.prev_hash != prev or digest(prev, record) != record.hash:
            return Break(log, day, record.seq, "content or link altered")
        prev, expected_seq = record.hash, expected_seq + 1
    head = ChainHead.objects.filter(log=log, day=day).first()
    if head is None:
        return Break(log, day, None, "chain head missing") if expected_seq > 1 else None
    if head.count != expected_seq - 1 or head.last_hash != prev:
        return Break(log, day, expected_seq, "records missing at the end, or head altered")
    return None


def verify(log: str, days: list[date] | None = None) -> list[Break]:
    """Verify every day (or the given days) of a log; the breaks found, first per day."""
    model = MODELS[log]
    if days is None:
        days = sorted(set(model.objects.values_list("day", flat=True))
                      | set(ChainHead.objects.filter(log=log).values_list("day", flat=True)))
    return [b for b in (verify_day(log, d) for d in days) if b is not None]
