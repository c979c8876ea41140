"""Writing checked features to their layer: one transaction, set-based, with history and audit.

Append inserts the accepted features. Replace works inside an area: a feature whose tucbsNo
matches a stored feature of the area updates it (its history continues), stored features of
the area that the file does not contain are deleted, the rest are inserted. Topology rules
run over the written rows; every feature gets its own audit record (create/update/delete with
before and after), plus one record for the import. The job is marked done in the same
transaction, so a killed import leaves the layer and the job as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.chain import json_object_sql
from cbs.audit.services import audit_record, bulk_audit

from ..registry import Layer
from ..services import _batch_topology, _bump_generation, _reserve_tucbs_numbers
from ..state import bump_config_generation
from .checks import build_plan, checked_table, target_properties

qn = connection.ops.quote_name


def snapshot_sql(layer: type[Layer], alias: str = "t") -> str:
    """A feature's snapshot as layers.services.feature_snapshot() gives it (published attributes,
    geometry as EWKT, version), built by PostgreSQL as canonical JSON text for the audit chain."""
    members = {name: _json_value_sql(f, f"{alias}.{qn(f.column)}") for name, f in layer.properties().items()}
    members["geometry"] = f"to_json(ST_AsEWKT({alias}.{qn(layer.geometry().column)}))"
    members["version"] = f"to_json({alias}.version)"
    return json_object_sql(members)


def _json_value_sql(field, expr: str) -> str:
    """JSON text of a column's value, as DjangoJSONEncoder writes the Python value."""
    kind = field.get_internal_type()
    if kind == "DecimalField":  # Decimal → its string
        return f"to_json({expr}::text)"
    if kind == "DateTimeField":  # ISO in UTC, milliseconds only when there are any, "Z"
        utc = f"({expr} AT TIME ZONE 'UTC')"
        return (f"to_json(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN mod(date_part('microseconds', {utc})"
                f"::int, 1000000) <> 0 THEN to_char({utc}, '.MS') ELSE '' END || 'Z')")
    if kind == "FloatField":  # PostgreSQL writes 1e+15 where Python writes 1000000000000000.0
        return f"CASE WHEN abs({expr}) < 1e15 THEN to_json({expr}) ELSE to_json({expr}::numeric) END"
    if kind == "GenericIPAddressField":
        return f"to_json(host({expr}))"
    return f"to_json({expr})"


def _repr_sql(layer: type[Layer], alias: str = "t") -> str:
    if "adi" in layer.properties():
        return f"left(coalesce(nullif({alias}.adi, ''), {alias}.\"tucbsNo\"::text), 200)"
    return f"{alias}.\"tucbsNo\"::text"


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
            # Hash joins and sorts of a million rows stay in memory instead of spilling or
            # falling back to nested loops.
            cursor.execute("SET LOCAL work_mem = '256MB'")
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
                cursor.execute("ANALYZE _import_old; ANALYZE _import_match")  # temp tables have no autovacuum
                # Updates: matched features take the file's attributes and geometry.
                sets = ", ".join(f"{qn(props[n].column)} = {expr}" for n, expr in columns.items())
                cursor.execute(f"UPDATE {layer_table} t SET {sets}, {geom_col} = c._g, version = t.version + 1, "  # noqa: S608
                               f"\"surumBaslangicZamani\" = %s FROM _import_match m JOIN {table} c USING (src_fid) "
                               f"WHERE t.id = m.id", [when])
                counts["updated"] = cursor.rowcount
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
            # The planner should see the layer (and the written rows) as they are now.
            cursor.execute(f"ANALYZE _import_new; ANALYZE {layer_table}")
        progress(45)
        written_sql = "SELECT id FROM _import_new" + (" UNION ALL SELECT id FROM _import_match" if replace else "")
        warnings = _batch_topology(layer, written_sql)
        progress(55)
        # History and audit: one record per feature (chained inside PostgreSQL), then one for the import.
        snap, rep, kind = snapshot_sql(layer), _repr_sql(layer), f"'layer:{layer.name}'"
        streams = [f"SELECT 'create', {kind}, t.\"tucbsNo\"::text, {rep}, NULL, "  # noqa: S608
                   f"{snap} FROM {layer_table} t JOIN _import_new n ON n.id = t.id"]
        if replace:
            streams += [
                f"SELECT 'update', {kind}, t.\"tucbsNo\"::text, {rep}, o.before, "  # noqa: S608
                f"{snap} FROM {layer_table} t JOIN _import_match m ON m.id = t.id JOIN _import_old o ON o.id = t.id",
                f"SELECT 'delete', {kind}, o.\"tucbsNo\"::text, o.label, o.before, NULL "
                f"FROM _import_old o WHERE NOT EXISTS (SELECT FROM _import_match m WHERE m.id = o.id)",
            ]
        bulk_audit(" UNION ALL ".join(streams), time=when, user=user)
        progress(90)
        _bump_generation(layer)
        bump_config_generation(layer.name)  # the layer's extent in the OGC configuration
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
