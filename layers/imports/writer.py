"""Writing checked features to their layer: one transaction, set-based, with history and audit.

Append inserts the accepted features. Replace works inside an area: a feature whose tucbsNo
matches a stored feature of the area updates it when an attribute or the geometry differs (its
history continues; an identical one keeps its version and counts as unchanged), stored features
of the area that the file does not contain are deleted, the rest are inserted. Topology rules
run over the written rows (for a large import – an append of 100 000 accepted features, a
replace of most of the layer – rules that can be asked of the layer as the import will leave it
are asked on a second connection while the `INSERT` or `UPDATE` runs). Every written feature gets its version in the layer's history table
(INSERT … SELECT from the layer rows just written, operation "import", the job's id; deleted
ones a tombstone), and the import gets **one** chained audit record with the counts and the
SHA-256 of each set of history rows it wrote (see layers.versioning), never one per feature.
The job is marked done in the same transaction, so a killed import leaves the layer, its
history and the job as they were.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from ..models.history import Operation
from ..registry import Layer
from ..services import batch_topology, bump_generation, reserve_tucbs_numbers
from ..state import bump_config_generation
from ..versioning import Written, copied_fields, hash_of_written, record_versions, who
from .alongside import Alongside
from .checks import build_plan, checked_table, target_properties

qn = connection.ops.quote_name
log = logging.getLogger(__name__)


def history_summary(parts: list[Written]) -> dict:
    """What the import's audit record and job keep about the history rows written: each set's
    id range and hash, and one hash over those (sha256 of the parts' hashes in order)."""
    written = [p for p in parts if p.rows]
    combined = hashlib.sha256("".join(p.sha256 for p in written).encode()).hexdigest()
    return {"history_sha256": combined, "history": [p.as_audit() for p in written]}


# A replace that updated at least this many features, and at least half of the layer, has the
# topology rules asked the way meant for such batches (TopologyRule.large_batch); an import of at
# least this many features has them asked alongside its write (TopologyRule.of_import).
LARGE_IMPORT_ROWS = 100_000


def _most_of_the_layer(layer_table: str, rows: int) -> bool:
    if rows < LARGE_IMPORT_ROWS:
        return False
    with connection.cursor() as cursor:  # the planner's count of the layer's live rows
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [layer_table])
        return 2 * rows >= cursor.fetchone()[0]


def _rules_alongside(layer: type[Layer], layer_table: str, table: str, accepted_count: int,
                     in_area: str | None, area: str | None) -> Alongside | None:
    """For a large import, the rules that can be asked of the layer as the import will leave it
    (TopologyRule.of_import) start on a second connection, answered while this one writes; None
    when there is nothing to ask that way. A replace (`in_area` given) is large when its accepted
    features are most of the layer (it keeps the features outside the area), an append when it
    has LARGE_IMPORT_ROWS accepted features (it keeps every feature). Their answer: {rule: [src_fid, ...]}."""
    rules = [rule for rule in layer.topology if rule.of_import is not None]
    large = (_most_of_the_layer(layer_table, accepted_count) if in_area is not None
             else accepted_count >= LARGE_IMPORT_ROWS)
    if not rules or not large:
        return None
    file_sql = f"SELECT c.src_fid, c._g AS geom FROM {table} c WHERE cardinality(c._reasons) = 0"  # noqa: S608
    kept_sql = f"SELECT t.{qn(layer.geometry().column)} AS geom FROM {layer_table} t"  # noqa: S608
    if in_area is not None:
        kept_sql += f" WHERE NOT ({in_area})"
    return Alongside(lambda cursor: {rule: rule.of_import(cursor, file_sql, kept_sql, {"area": area})
                                     for rule in rules}).start()


def write(job, layer: type[Layer], user=None, progress: Callable[[int], None] = lambda p: None) -> dict:
    """Store the job's accepted features; returns the counts. Raises ValidationError to refuse."""
    try:
        # A second connection sees the checked file and the layer only when they are committed
        # data: not when the caller's transaction holds them (tests, a command's own atomic block).
        return _write(job, layer, user, progress,
                      alongside=settings.CBS_IMPORT_RULES_ALONGSIDE and not connection.in_atomic_block)
    except IntegrityError as exc:
        # A rule of the database the checks do not express feature by feature (a check over two
        # fields, say): the transaction is gone, nothing was written; say which rule.
        raise ValidationError(_("A feature breaks a rule of the layer (%(rule)s); nothing was written.")
                              % {"rule": _rule(layer, exc)}) from exc


def _rule(layer: type[Layer], exc: IntegrityError) -> str:
    """The violated constraint's message if the model gives one, else its name."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    for constraint in layer.meta().constraints:
        if constraint.name == name and getattr(constraint, "violation_error_message", None):
            return str(constraint.get_violation_error_message())
    return name or _("unknown")


def _written_numbers(cursor, layer_table: str, fids: list[int], accepted: str, skip: str, number: str,
                     first: int, updated: bool) -> list[int]:
    """tucbsNo of the features of the file (by src_fid) that this import wrote: updated ones (a
    replace) keep the stored number, new ones get the one the insert gave them (the same
    expression over the same rows in the same order)."""
    if not fids:
        return []
    new = (f"SELECT x.no FROM (SELECT c.src_fid, {number} AS no FROM {accepted} c {skip}) x "
           "WHERE x.src_fid = ANY(%(fids)s)")
    if updated:
        new += (f' UNION SELECT t."tucbsNo" FROM _import_match m JOIN _import_changed ch USING (id) '
                f"JOIN {layer_table} t ON t.id = m.id WHERE m.src_fid = ANY(%(fids)s)")
    cursor.execute(new, {"fids": fids, "first": first})  # noqa: S608
    return sorted(row[0] for row in cursor.fetchall())


def _write(job, layer: type[Layer], user, progress: Callable[[int], None], alongside: bool = False) -> dict:
    table = checked_table(job)
    plan = build_plan(job, layer)
    props = target_properties(layer)
    layer_table = qn(layer.meta().db_table)
    geom_col = qn(layer.geometry().column)
    when = timezone.now()
    with transaction.atomic(), ExitStack() as on_exit:
        with connection.cursor() as cursor:
            # Editors wait while the import writes; two imports into one layer run one after the other.
            cursor.execute(f"LOCK TABLE {layer_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
            # Hash joins and sorts of a million rows stay in memory instead of spilling or
            # falling back to nested loops.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"SELECT count(*) FILTER (WHERE cardinality(_reasons) > 0), "  # noqa: S608
                           f"count(*) FILTER (WHERE cardinality(_reasons) = 0) FROM {table}")
            rejected, accepted_count = cursor.fetchone()
        if rejected and not job.skip_rejected:
            raise ValidationError(_("%(count)d features were rejected: nothing was written. Correct the file, "
                                    "or choose to skip the rejected features.") % {"count": rejected})
        accepted = f"(SELECT * FROM {table} WHERE cardinality(_reasons) = 0)"
        replace = job.mode == "replace"
        area = job.area.ewkt if replace and job.area is not None else None
        if replace and area is None:
            raise ValidationError(_("Choose the area whose features the file replaces."))
        # A feature belongs to the area by a point on its surface; its box meeting the area's is
        # implied by that and lets the GiST index skip the layer's other features.
        in_area = (f"t.{geom_col} && %(area)s::geometry "
                   f"AND ST_Intersects(ST_PointOnSurface(t.{geom_col}), %(area)s::geometry)")
        columns = {name: f"CAST(c.{plan.targets[name]} AS {(f.target_field if f.is_relation else f).db_type(connection)})"
                   for name, f in props.items() if name != "tucbsNo"}
        # Asked after the lock: the second connection then sees the layer as this import found it.
        side = (_rules_alongside(layer, layer_table, table, accepted_count, in_area if replace else None, area)
                if alongside else None)
        if side is not None:
            on_exit.callback(side.cancel)  # refused or failed: no question left running
        counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        matched = 0  # features of the area the file's numbers match (replace)
        parts: list[Written] = []
        progress(5)
        if replace:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE _import_old ON COMMIT DROP AS SELECT t.id, t.\"tucbsNo\" "  # noqa: S608
                               f"FROM {layer_table} t WHERE {in_area}", {"area": area})
                number_column = plan.targets["tucbsNo"]
                cursor.execute(f"CREATE TEMP TABLE _import_match ON COMMIT DROP AS SELECT o.id, c.src_fid "  # noqa: S608
                               f"FROM _import_old o JOIN {accepted} c ON c.{number_column} = o.\"tucbsNo\"")
                cursor.execute("ANALYZE _import_old; ANALYZE _import_match")  # temp tables have no autovacuum
                # Every match is a feature of the area (a file's numbers are unique: the checks
                # refuse repeats), so the two counts say whether anything is left to delete –
                # without the anti-join over a whole area that finds nothing in the common case.
                cursor.execute("SELECT (SELECT count(*) FROM _import_old), (SELECT count(*) FROM _import_match)")
                area_features, matched = cursor.fetchone()
                leaving = area_features - matched
                # The area's features that the file does not contain end with a tombstone each.
                if leaving:
                    parts.append(record_versions(
                        layer, ids_sql="SELECT o.id FROM _import_old o WHERE NOT EXISTS "
                                       "(SELECT FROM _import_match m WHERE m.id = o.id)",
                        operation=Operation.DELETE, when=when, user=user, import_job=job.id, tombstone=True,
                        hash_after=True))
                # Updates: matched features take the file's attributes and geometry when any of
                # them differs (compared exactly: typed values, the geometry coordinate by coordinate); the
                # others keep their version and history and count as unchanged. The UPDATE keeps
                # the ids it changed for the history, the topology rules and the counts.
                sets = ", ".join([*(f"{qn(props[n].column)} = {expr}" for n, expr in columns.items()),
                                  *(f"{qn(col)} = {expr.format(geom='c._g')}"
                                    for col, expr in layer.computed_columns.items())])
                # Geometries by PostGIS's `=`: the same coordinates in the same order (exact, like
                # their EWKB bytes, without writing two million of them out).
                old_values = ", ".join([*(f"t.{qn(props[n].column)}" for n in columns), f"t.{geom_col}"])
                new_values = ", ".join([*columns.values(), "c._g"])
                cursor.execute("CREATE TEMP TABLE _import_changed (id bigint) ON COMMIT DROP")
                cursor.execute(f"WITH upd AS (UPDATE {layer_table} t SET {sets}, {geom_col} = c._g, "  # noqa: S608
                               f"version = t.version + 1, \"surumBaslangicZamani\" = %s "
                               f"FROM _import_match m JOIN {table} c USING (src_fid) "
                               f"WHERE t.id = m.id AND ({old_values}) IS DISTINCT FROM ({new_values}) RETURNING t.id) "
                               f"INSERT INTO _import_changed SELECT id FROM upd", [when])
                counts["updated"] = cursor.rowcount
                counts["unchanged"] = matched - counts["updated"]
                if side is not None and not _most_of_the_layer(layer_table, counts["updated"]):
                    # Few changed after all: the usual way is quick for them, the second core
                    # is better spent on the rest of this write.
                    side.cancel()
                    side = None
                cursor.execute("ANALYZE _import_changed")
                # (One statement updating, closing and writing versions from the UPDATE's RETURNING
                # was tried: the same buffers, and twice as long at 100 000 rows.)
                parts.append(record_versions(layer, ids_sql="SELECT id FROM _import_changed",
                                             operation=Operation.IMPORT, when=when, user=user, import_job=job.id,
                                             hash_after=True))
                if leaving:
                    try:
                        with transaction.atomic():
                            cursor.execute(f"DELETE FROM {layer_table} t USING _import_old o WHERE t.id = o.id "  # noqa: S608
                                           "AND NOT EXISTS (SELECT FROM _import_match m WHERE m.id = o.id)")
                    except IntegrityError as exc:
                        raise ValidationError(_("Features of the area that the file does not contain are referenced "
                                                "by other layers and cannot be deleted; nothing was written.")) from exc
                    counts["deleted"] = cursor.rowcount
        progress(20)
        with connection.cursor() as cursor:
            skip = "WHERE NOT EXISTS (SELECT FROM _import_match m WHERE m.src_fid = c.src_fid)" if replace else ""
            new = accepted_count - matched  # each match is one accepted feature (unique numbers on both sides)
            # Numbers the file brings count as handed out: reserved ones start above them.
            cursor.execute(f"SELECT max(c.{plan.targets['tucbsNo']}) FROM {accepted} c")  # noqa: S608
            cursor.execute("UPDATE layers_layercounter SET last_tucbs_no = GREATEST(last_tucbs_no, %s) "
                           "WHERE layer = %s", [cursor.fetchone()[0] or 0, layer.name])
            first = reserve_tucbs_numbers(layer, new) if new else 0
            names = [n for n in columns]
            computed = layer.computed_columns
            target_cols = ", ".join([*(qn(props[n].column) for n in names), *(qn(col) for col in computed)])
            values = ", ".join([*(columns[n] for n in names), *(e.format(geom="c._g") for e in computed.values())])
            # A tucbsNo from the file is kept in append mode when free (the checks refused taken ones).
            number = f"coalesce(c.{plan.targets['tucbsNo']}::bigint, %(first)s + row_number() OVER (ORDER BY c.src_fid) - 1)"
            cursor.execute(f"CREATE TEMP TABLE _import_new ON COMMIT DROP AS SELECT id FROM {layer_table} LIMIT 0")
            # One statement inserts the features, their first versions (from the rows as stored) and
            # the ids for the topology rules.
            history = layer.history
            copied = ", ".join(qn(h) for h, _l in copied_fields(layer))
            from_ins = ", ".join(f"i.{qn(c)}" for _h, c in copied_fields(layer))
            ident = who(user)
            if new:
                cursor.execute(f"""
                WITH ins AS (
                    INSERT INTO {layer_table} ("tucbsNo", {target_cols}, {geom_col}, version, "surumBaslangicZamani")
                    SELECT {number}, {values}, c._g, 1, %(when)s FROM {accepted} c {skip} ORDER BY c.src_fid
                    RETURNING *
                ), hist AS (
                    INSERT INTO {qn(history._meta.db_table)} AS h ("tucbsNo", version, {copied}, "surumBaslangicZamani",
                        operation, user_id, actor, request_id, import_job, reason)
                    SELECT i."tucbsNo", i.version, {from_ins}, i."surumBaslangicZamani", %(op)s, %(user_id)s,
                           %(actor)s, %(request_id)s, %(job)s, '' FROM ins i
                    RETURNING h.id
                ), new AS (INSERT INTO _import_new SELECT id FROM ins)
                SELECT count(*), min(id), max(id) FROM hist
                """, {"first": first, "when": when, "op": Operation.IMPORT, "job": job.id, **ident})  # noqa: S608
                rows, first_id, last_id = cursor.fetchone()
            else:  # a replace that only updates: no statement over the whole file for nothing
                rows, first_id, last_id = 0, None, None
            # Hashed by a query of its own after the insert (versioning.written_hash: cheaper for
            # big sets than each row's hash in the RETURNING list).
            digest = hash_of_written(history, rows, first_id, last_id) if rows else None
            written = Written(history._meta.db_table, rows, first_id, last_id, digest)
            parts.append(written)
            counts["created"] = written.rows
            # The planner should see the layer (and the written rows) as they are now.
            # (The columns the topology rules join and filter on: a whole-table ANALYZE also
            # samples the expression indexes – the folded names – which the rules never read.)
            cursor.execute(f"ANALYZE _import_new; ANALYZE {layer_table} (id, \"tucbsNo\", {geom_col})")
        progress(45)
        written_sql = "SELECT id FROM _import_new" + (" UNION ALL SELECT id FROM _import_changed" if replace else "")
        large = _most_of_the_layer(layer_table, counts["updated"])  # analysed just before
        answered = {}
        if side is not None:  # (an answer from alongside is exact for any import)
            waited = time.monotonic()
            ok, by_rule = side.answer()
            log.info("import %s: rules alongside answered=%s in %.1f s, waited %.1f s", job.id, ok,
                     side.seconds or 0, time.monotonic() - waited)
            if ok:
                with connection.cursor() as cursor:
                    answered = {rule: _written_numbers(cursor, layer_table, fids, accepted, skip, number, first,
                                                       updated=replace)
                                for rule, fids in by_rule.items()}
        warnings = batch_topology(layer, written_sql, large=large, answered=answered)
        progress(55)
        summary = history_summary(parts)
        bump_generation(layer)
        bump_config_generation(layer.name)  # the layer's extent in the OGC configuration
        audit_record(action="import", object_type=f"layer:{layer.name}", object_repr=str(layer.title),
                     user=user, after={
                         "job": str(job.id), "file": job.original_name, "sha256": job.sha256,
                         "mode": job.mode, "area": job.area_label, "srid": job.srid,
                         "transformation": job.transformation, "accuracy_m": job.accuracy,
                         "storage_srid": settings.CBS_SRID, **counts, "skipped": rejected,
                         "topology_warnings": warnings, **summary})
        result = {**counts, "skipped": rejected, "topology_warnings": warnings, **summary}
        type(job).objects.filter(pk=job.pk).update(status="done", progress=100, phase="", result=result,
                                                   message="", heartbeat=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}, {job.staging_table}")
            # (Dropped at commit anyway; now, so that a caller's outer transaction may write again.)
            cursor.execute("DROP TABLE IF EXISTS _import_old, _import_match, _import_changed, _import_new")
    return result
