"""Data migration helper: fill the layers' history tables from what the audit trail recorded.

Until issue 17 a feature's versions lived only as before/after snapshots in audit records
(create/update/delete, object type "layer:<name>"). For every layer of an app this copies them,
set-based, into `<table>_surum` – a create or update record gives the version in its "after"
snapshot, a delete record a tombstone with the "before" snapshot under the next version number –
plus one row for every current feature whose current version no audit record holds (sample
loads and bulk creates were audited per batch), all in time order so that row ids follow time.
Version ends are then set from the next version's start. Nothing is removed from the audit trail.
"""

from __future__ import annotations


def backfill(apps, schema_editor, app_label: str) -> None:
    from layers.registry import all_layers

    connection = schema_editor.connection
    qn = connection.ops.quote_name
    for layer in all_layers():
        if layer.model._meta.app_label != app_label:
            continue
        try:
            model = apps.get_model(app_label, layer.model.__name__)
            history = apps.get_model(app_label, f"{layer.model.__name__}Surum")
        except LookupError:
            continue
        own = {"id", "tucbs_no", "version", "surum_baslangic_zamani", "surum_bitis_zamani", "operation", "user",
               "actor", "request_id", "import_job", "reason"}
        copied = [f for f in history._meta.concrete_fields if f.name not in own]
        geom_columns = {f.column for f in copied if hasattr(f, "geom_type")}
        columns = [f.column for f in copied]

        def from_snapshot(snap: str) -> str:
            return ", ".join(
                (f"ST_GeomFromEWKT({snap}->>'geometry')" if f.column in geom_columns
                 else f"({snap}->>{_literal(f.column)})::{f.db_type(connection)}") + f" AS {qn(f.column)}"
                for f in copied)

        h_table, table = qn(history._meta.db_table), qn(model._meta.db_table)
        column_list = ", ".join(qn(c) for c in columns)
        t_values = ", ".join(f"t.{qn(c)}" for c in columns)
        sql = f"""
            WITH audited AS (
                SELECT r.object_id::bigint AS no,
                       CASE WHEN r.action = 'delete' THEN (r.before->>'version')::int + 1
                            ELSE (r.after->>'version')::int END AS version,
                       {from_snapshot("s.snap")},
                       CASE WHEN r.action = 'delete' THEN r.time
                            ELSE coalesce((s.snap->>'surumBaslangicZamani')::timestamptz, r.time) END AS start,
                       r.action AS operation, r.user_id, r.actor, r.request_id, r.time AS at, r.seq
                FROM audit_auditrecord r
                CROSS JOIN LATERAL (SELECT CASE WHEN r.action = 'delete' THEN r.before ELSE r.after END AS snap) s
                WHERE r.object_type = %s AND r.action IN ('create', 'update', 'delete')
                      AND r.object_id ~ '^[0-9]+$' AND s.snap ? 'geometry' AND s.snap ? 'version'
            ), baseline AS (
                SELECT t."tucbsNo" AS no, t.version, {t_values}, t."surumBaslangicZamani" AS start,
                       CASE WHEN t.version = 1 THEN 'create' ELSE 'update' END AS operation,
                       NULL::int AS user_id, 'migration' AS actor, '' AS request_id,
                       t."surumBaslangicZamani" AS at, 0 AS seq
                FROM {table} t
                WHERE NOT EXISTS (SELECT FROM audited a WHERE a.no = t."tucbsNo" AND a.version = t.version
                                  AND a.operation <> 'delete')
            )
            INSERT INTO {h_table} ("tucbsNo", version, {column_list}, "surumBaslangicZamani", "surumBitisZamani",
                                   operation, user_id, actor, request_id, import_job, reason)
            SELECT no, version, {column_list}, start, CASE WHEN operation = 'delete' THEN start END,
                   operation, user_id, actor, request_id, NULL,
                   CASE WHEN actor = 'migration' THEN 'state when feature history began' ELSE '' END
            FROM (SELECT * FROM audited UNION ALL SELECT * FROM baseline) v
            ORDER BY at, seq
        """  # noqa: S608  (identifiers from the models)
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"layer:{layer.name}"])
            # Each version ends where the next one of the feature begins (a tombstone already ends).
            cursor.execute(f"""
                UPDATE {h_table} h SET "surumBitisZamani" = n.next_start
                FROM (SELECT id, lead("surumBaslangicZamani") OVER (PARTITION BY "tucbsNo" ORDER BY id) AS next_start
                      FROM {h_table}) n
                WHERE h.id = n.id AND h."surumBitisZamani" IS NULL AND n.next_start IS NOT NULL
            """)  # noqa: S608


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
