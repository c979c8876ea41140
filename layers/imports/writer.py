"""Writing checked features to their layer: one transaction, set-based, with history and audit.

Append inserts the accepted features. Replace works inside an area: a feature whose tucbsNo
matches a stored feature of the area updates it (its history continues), stored features of
the area that the file does not contain are deleted, the rest are inserted. Topology rules
run over the written rows; every feature gets its own audit record (create/update/delete with
before and after), plus one record for the import. The job is marked done in the same
transaction, so a killed import leaves the layer and the job as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.chain import append_many
from cbs.audit.context import current
from cbs.audit.models import AuditRecord
from cbs.audit.services import audit_record

from ..registry import Layer
from ..services import _batch_topology, _bump_generation, _reserve_tucbs_numbers
from .checks import build_plan, checked_table, target_properties

qn = connection.ops.quote_name


def snapshot_sql(layer: type[Layer], alias: str = "t") -> str:
    """A feature's published attributes, geometry (EWKT) and version as JSON, built by PostgreSQL."""
    pairs = [f"'{name}', {alias}.{qn(f.column)}" for name, f in layer.properties().items()]
    pairs += [f"'geometry', ST_AsEWKT({alias}.{qn(layer.geometry().column)})", f"'version', {alias}.version"]
    return f"json_build_object({', '.join(pairs)})"


def _repr_sql(layer: type[Layer], alias: str = "t") -> str:
    if "adi" in layer.properties():
        return f"left(coalesce(nullif({alias}.adi, ''), {alias}.\"tucbsNo\"::text), 200)"
    return f"{alias}.\"tucbsNo\"::text"


def _records(action: str, layer: type[Layer], rows: Iterator[tuple], user, when) -> Iterator[AuditRecord]:
    ctx = current.get()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    actor = (user.get_username() if authenticated else "") or ctx.label or "system"
    for tucbs_no, label, before, after in rows:
        yield AuditRecord(time=when, user=user if authenticated else None, actor=actor, action=action,
                          object_type=f"layer:{layer.name}", object_id=str(tucbs_no), object_repr=label or "",
                          before=before, after=after, request_id=ctx.request_id, source_ip=ctx.source_ip)


def _rows(sql: str, params: list) -> Iterator[tuple]:
    """Rows of a query through a server-side cursor (a million snapshots never sit in memory)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def write(job, layer: type[Layer], user=None, progress: Callable[[int], None] = lambda p: None) -> dict:
    """Store the job's accepted features; returns the counts. Raises ValidationError to refuse."""
    table = checked_table(job)
    plan = build_plan(job, layer)
    props = target_properties(layer)
    layer_table = qn(layer.meta().db_table)
    geom_col = qn(layer.geometry().column)
    when = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Editors wait while the import writes; two imports into one layer run one after the other.
            cursor.execute(f"LOCK TABLE {layer_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
            cursor.execute(f"SELECT count(*) FILTER (WHERE cardinality(_reasons) > 0) FROM {table}")
            rejected = cursor.fetchone()[0]
        if rejected and not job.skip_rejected:
            raise ValidationError(_("%(count)d features were rejected: nothing was written. Correct the file, "
                                    "or choose to skip the rejected features.") % {"count": rejected})
        accepted = f"(SELECT * FROM {table} WHERE cardinality(_reasons) = 0)"
        replace = job.mode == "replace"
        area = job.area.ewkt if replace and job.area is not None else None
        if replace and area is None:
            raise ValidationError(_("Choose the area whose features the file replaces."))
        in_area = f"ST_Intersects(ST_PointOnSurface(t.{geom_col}), %s::geometry)"
        columns = {name: f"CAST(c.{plan.targets[name]} AS {(f.target_field if f.is_relation else f).db_type(connection)})"
                   for name, f in props.items() if name != "tucbsNo"}
        counts = {"created": 0, "updated": 0, "deleted": 0}
        progress(5)
        if replace:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE _import_old ON COMMIT DROP AS SELECT t.id, t.\"tucbsNo\", "  # noqa: S608
                               f"{_repr_sql(layer)} AS label, {snapshot_sql(layer)} AS before "
                               f"FROM {layer_table} t WHERE {in_area}", [area])
                matched = plan.targets["tucbsNo"]
                cursor.execute(f"CREATE TEMP TABLE _import_match ON COMMIT DROP AS SELECT o.id, c.src_fid "  # noqa: S608
                               f"FROM _import_old o JOIN {accepted} c ON c.{matched} = o.\"tucbsNo\"")
                # Updates: matched features take the file's attributes and geometry.
                sets = ", ".join(f"{qn(props[n].column)} = {expr}" for n, expr in columns.items())
                cursor.execute(f"UPDATE {layer_table} t SET {sets}, {geom_col} = c._g, version = t.version + 1, "  # noqa: S608
                               f"\"surumBaslangicZamani\" = %s FROM _import_match m JOIN {table} c USING (src_fid) "
                               f"WHERE t.id = m.id", [when])
                counts["updated"] = cursor.rowcount
                try:
                    with transaction.atomic():
                        cursor.execute(f"DELETE FROM {layer_table} t USING _import_old o WHERE t.id = o.id "  # noqa: S608
                                       "AND o.id NOT IN (SELECT id FROM _import_match)")
                except IntegrityError as exc:
                    raise ValidationError(_("Features of the area that the file does not contain are referenced "
                                            "by other layers and cannot be deleted; nothing was written.")) from exc
                counts["deleted"] = cursor.rowcount
        progress(20)
        with connection.cursor() as cursor:
            skip = "WHERE c.src_fid NOT IN (SELECT src_fid FROM _import_match)" if replace else ""
            cursor.execute(f"SELECT count(*) FROM {accepted} c {skip}")  # noqa: S608
            new = cursor.fetchone()[0]
            # Numbers the file brings count as handed out: reserved ones start above them.
            cursor.execute(f"SELECT max(c.{plan.targets['tucbsNo']}) FROM {accepted} c")  # noqa: S608
            cursor.execute("UPDATE layers_layercounter SET last_tucbs_no = GREATEST(last_tucbs_no, %s) "
                           "WHERE layer = %s", [cursor.fetchone()[0] or 0, layer.name])
            first = _reserve_tucbs_numbers(layer, new) if new else 0
            names = [n for n in columns]
            target_cols = ", ".join(qn(props[n].column) for n in names)
            values = ", ".join(columns[n] for n in names)
            # A tucbsNo from the file is kept in append mode when free (the checks refused taken ones).
            number = f"coalesce(c.{plan.targets['tucbsNo']}::bigint, %s + row_number() OVER (ORDER BY c.src_fid) - 1)"
            cursor.execute(f"CREATE TEMP TABLE _import_new ON COMMIT DROP AS SELECT id FROM {layer_table} LIMIT 0")
            cursor.execute(f"WITH ins AS (INSERT INTO {layer_table} (\"tucbsNo\", {target_cols}, {geom_col}, "  # noqa: S608
                           f"version, \"surumBaslangicZamani\") SELECT {number}, {values}, c._g, 1, %s "
                           f"FROM {accepted} c {skip} ORDER BY c.src_fid RETURNING id) "
                           f"INSERT INTO _import_new SELECT id FROM ins", [first, when])
            counts["created"] = cursor.rowcount
        progress(45)
        with connection.cursor() as cursor:
            written_sql = "SELECT id FROM _import_new" + (" UNION ALL SELECT id FROM _import_match" if replace else "")
            cursor.execute(f"SELECT array_agg(id) FROM ({written_sql}) w")
            ids = cursor.fetchone()[0] or []
        warnings = _batch_topology(layer, ids) if ids else {}
        progress(55)
        # History and audit: one record per feature, then one for the import.
        snap = snapshot_sql(layer)
        rep = _repr_sql(layer)
        streams = [("create", f"SELECT t.\"tucbsNo\", {rep}, NULL::json, {snap} FROM {layer_table} t "  # noqa: S608
                              f"JOIN _import_new n ON n.id = t.id ORDER BY t.\"tucbsNo\"")]
        if replace:
            streams += [
                ("update", f"SELECT t.\"tucbsNo\", {rep}, o.before, {snap} FROM {layer_table} t "  # noqa: S608
                           f"JOIN _import_old o ON o.id = t.id ORDER BY t.\"tucbsNo\""),
                ("delete", "SELECT o.\"tucbsNo\", o.label, o.before, NULL::json FROM _import_old o "
                           "WHERE o.id NOT IN (SELECT id FROM _import_match) ORDER BY o.\"tucbsNo\""),
            ]
        append_many(record for action, sql in streams for record in
                    _records(action, layer, _rows(sql, []), user, when))
        progress(90)
        _bump_generation(layer)
        audit_record(action="import", object_type=f"layer:{layer.name}", object_repr=str(layer.title),
                     user=user, after={
                         "job": str(job.id), "file": job.original_name, "sha256": job.sha256,
                         "mode": job.mode, "area": job.area_label, "srid": job.srid,
                         "transformation": job.transformation, "accuracy_m": job.accuracy,
                         "storage_srid": settings.CBS_SRID, **counts, "skipped": rejected,
                         "topology_warnings": warnings})
        result = {**counts, "skipped": rejected, "topology_warnings": warnings}
        type(job).objects.filter(pk=job.pk).update(status="done", progress=100, phase="", result=result,
                                                   message="", heartbeat=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}, {job.staging_table}")
    return result
