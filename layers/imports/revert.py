"""Reverting a finished import: one transaction, set-based, from the layer's history table.

The import's history rows (its job id, the id range it recorded) say what it did to each
feature: created it (no earlier version), updated it (an earlier version exists) or deleted it
(a tombstone). While no later version of any of those features exists, the revert removes the
created ones (each ends with a tombstone), gives the updated ones their previous version back and
brings the deleted ones back, all as new versions (operation "revert"), runs the topology rules,
writes one chained audit record with the SHA-256 of the rows it wrote and marks the job reverted.
A revert killed at any moment leaves the layer, its history and the job as they were.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from ..models import ImportJob, ImportStatus
from ..models.history import Operation
from ..registry import Layer, get_layer
from ..services import batch_topology, bump_generation, check_edit
from ..state import bump_config_generation
from ..versioning import Written, copied_fields, record_versions
from .writer import history_summary

qn = connection.ops.quote_name
SHOWN = 50  # features named when a revert is refused


def may_revert(job: ImportJob, user) -> bool:
    """The import's author or an administrator (commands pass no user)."""
    return user is None or user.is_superuser or (job.created_by_id is not None and job.created_by_id == user.pk)


def revert(*, job: ImportJob, user=None) -> dict:
    """Take a finished import back as one transaction; returns the counts. ValidationError when the
    import cannot be reverted (not finished, already reverted, features edited later)."""
    if not may_revert(job, user):
        raise PermissionDenied(_("Only the author of the import or an administrator may revert it."))
    layer = get_layer(job.layer)
    check_edit(user=user, layer=layer, geometries=[job.area] if job.area is not None else [])
    parts = (job.result or {}).get("history") or []
    if job.status == ImportStatus.DONE and not parts:
        if "unchanged" in (job.result or {}):  # written with history, and every feature was as stored
            raise ValidationError(_("This import changed no feature; there is nothing to revert."))
        raise ValidationError(_("This import was written before feature history was kept; it cannot be reverted."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == ImportStatus.REVERTED:
            raise ValidationError(_("This import has already been reverted."))
        if job.status != ImportStatus.DONE:
            raise ValidationError(_("Only a finished import can be reverted."))
        layer_table = qn(layer.meta().db_table)
        with connection.cursor() as cursor:
            # Editors and other imports wait while the revert writes (as for the import itself).
            cursor.execute(f"LOCK TABLE {layer_table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        first = min(p["first_id"] for p in parts)
        last = max(p["last_id"] for p in parts)
        counts = _plan(layer, job, first, last)
        later = _edited_later(layer, last)
        if later:
            raise ValidationError(_(
                "Features of this import were changed after it: %(numbers)s. Nothing was reverted; "
                "restore them from their history pages if needed.") % {"numbers": _shown(later)})
        written = _apply(layer, job, user)
        warnings = batch_topology(layer, "SELECT t.id FROM " + layer_table + " t JOIN _revert r "
                                   "ON r.no = t.\"tucbsNo\" WHERE r.kind IN ('updated', 'deleted')")
        summary = history_summary(written)
        bump_generation(layer)
        bump_config_generation(layer.name)
        result = {"removed": counts.get("created", 0), "restored": counts.get("updated", 0),
                  "brought_back": counts.get("deleted", 0), **summary}
        audit_record(action="import_revert", object_type=f"layer:{layer.name}", object_repr=str(layer.title),
                     user=user, after={"job": str(job.id), "file": job.original_name, "sha256": job.sha256,
                                       **result, "topology_warnings": warnings})
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.REVERTED, reverted_at=timezone.now(),
            reverted_by=user if user is not None and user.is_authenticated else None,
            result={**job.result, "revert": result})
    return result


def _plan(layer: type[Layer], job: ImportJob, first: int, last: int) -> dict[str, int]:
    """_revert: one row per feature the import wrote, with what it did and the version to go back to."""
    history = qn(layer.history._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TEMP TABLE _revert ON COMMIT DROP AS
            SELECT j."tucbsNo" AS no, j.id AS job_row, j.version, p.id AS prev_row,
                   CASE WHEN j.operation = 'delete' THEN 'deleted'
                        WHEN p.id IS NULL OR p.operation = 'delete' THEN 'created' ELSE 'updated' END AS kind
            FROM {history} j
            LEFT JOIN LATERAL (SELECT e.id, e.operation FROM {history} e
                               WHERE e."tucbsNo" = j."tucbsNo" AND e.id < j.id ORDER BY e.id DESC LIMIT 1) p ON TRUE
            WHERE j.id BETWEEN %(first)s AND %(last)s AND j.import_job = %(job)s
        """, {"first": first, "last": last, "job": job.id})  # noqa: S608
        cursor.execute("CREATE INDEX ON _revert (no); ANALYZE _revert")
        cursor.execute("SELECT kind, count(*) FROM _revert GROUP BY kind")
        return dict(cursor.fetchall())


def _edited_later(layer: type[Layer], last: int) -> list[int]:
    """tucbsNo of the import's features that have a version written after the import's."""
    history = qn(layer.history._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT DISTINCT h."tucbsNo" FROM {history} h
            WHERE h.id > %s AND EXISTS (SELECT FROM _revert r WHERE r.no = h."tucbsNo")
            ORDER BY 1 LIMIT {SHOWN + 1}
        """, [last])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _shown(numbers: list[int]) -> str:
    text = ", ".join(map(str, numbers[:SHOWN]))
    return text + (" …" if len(numbers) > SHOWN else "")


def _apply(layer: type[Layer], job: ImportJob, user) -> list[Written]:
    layer_table, history = qn(layer.meta().db_table), qn(layer.history._meta.db_table)
    when = timezone.now()
    reason = (_("revert of the import %(file)s") % {"file": job.original_name})[:200]
    pairs = copied_fields(layer)
    written = []
    # Created by the import: a tombstone each, then gone.
    created = "SELECT t.id FROM " + layer_table + " t JOIN _revert r ON r.no = t.\"tucbsNo\" WHERE r.kind = 'created'"
    written.append(record_versions(layer, ids_sql=created, operation=Operation.DELETE, when=when, user=user,
                                   reason=reason, tombstone=True, hash_after=True))
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(f"DELETE FROM {layer_table} t USING _revert r "  # noqa: S608
                               "WHERE r.no = t.\"tucbsNo\" AND r.kind = 'created'")
                # Updated by the import: the version before it, as a new version.
                sets = ", ".join(f"{qn(layer_col)} = p.{qn(h_col)}" for h_col, layer_col in pairs)
                cursor.execute(f"UPDATE {layer_table} t SET {sets}, version = t.version + 1, "  # noqa: S608
                               f"\"surumBaslangicZamani\" = %s FROM _revert r JOIN {history} p ON p.id = r.prev_row "
                               "WHERE r.no = t.\"tucbsNo\" AND r.kind = 'updated'", [when])
                # Deleted by the import: back from its tombstone, under the next version number.
                columns = ", ".join(qn(layer_col) for _h, layer_col in pairs)
                values = ", ".join(f"j.{qn(h_col)}" for h_col, _l in pairs)
                cursor.execute(f"INSERT INTO {layer_table} (\"tucbsNo\", {columns}, version, \"surumBaslangicZamani\") "  # noqa: S608
                               f"SELECT j.\"tucbsNo\", {values}, j.version + 1, %s FROM _revert r "
                               f"JOIN {history} j ON j.id = r.job_row WHERE r.kind = 'deleted' ORDER BY j.id", [when])
        except IntegrityError as exc:
            raise ValidationError(_("The import cannot be reverted: %(reason)s") % {
                "reason": _("other features refer to features it created, or a restored value is taken now.")}) from exc
    back = ("SELECT t.id FROM " + layer_table + " t JOIN _revert r ON r.no = t.\"tucbsNo\" "
            "WHERE r.kind IN ('updated', 'deleted')")
    written.append(record_versions(layer, ids_sql=back, operation=Operation.REVERT, when=when, user=user,
                                   reason=reason, hash_after=True))
    return written
