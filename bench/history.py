"""How to write feature history: by the services (one INSERT … SELECT in the writing transaction,
what layers.versioning does) or by database triggers (django-pghistory's way: a row-level AFTER
trigger per table, the context – user, request – read from a session setting; or a statement-level
trigger with transition tables). Measured on copies of the building table, in one run:

  1. 1 000 single edits, each its own transaction (UPDATE one row + its history);
  2. one INSERT … SELECT of 100 000 buildings (+ their history).

`python -m bench.history [N_EDITS] [N_BULK]` prints the table and writes bench/results/history-latest.md.
The triggers are written here in PL/pgSQL as django-pghistory generates them (AFTER INSERT/UPDATE
FOR EACH ROW, inserting NEW into the event table with the context); the numbers are for the trigger
mechanism, not for that package's Python side.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection, transaction

COLUMNS = ('"binaKimlikNo", adi, "zeminUstuKatSayisi", "zeminAltiKatSayisi", "bagimsizBolumSayisi", '
           '"yapiGrubuTipi", "yapiSinifiTipi", "yapiKullanimIzniTarihi", "gecerlilikBaslangici", "gecerlilikSonu", geom')
HISTORY_COLUMNS = ('"tucbsNo", version, ' + COLUMNS + ', "surumBaslangicZamani", "surumBitisZamani", operation, '
                   'user_id, actor, request_id, import_job, reason')


def _setup(cursor, mode: str) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_h_layer, bench_h_surum CASCADE")
    cursor.execute("CREATE TABLE bench_h_layer (LIKE layers_bina INCLUDING ALL)")
    cursor.execute("CREATE TABLE bench_h_surum (LIKE layers_bina_surum INCLUDING ALL)")
    cursor.execute("INSERT INTO bench_h_layer SELECT * FROM layers_bina")
    cursor.execute("SELECT setval(pg_get_serial_sequence('bench_h_layer', 'id'), max(id)) FROM bench_h_layer")
    cursor.execute(f"INSERT INTO bench_h_surum ({HISTORY_COLUMNS}) SELECT \"tucbsNo\", version, {COLUMNS}, "
                   "\"surumBaslangicZamani\", NULL, 'create', NULL, 'bench', '', NULL, '' FROM bench_h_layer")
    cursor.execute("ANALYZE bench_h_layer; ANALYZE bench_h_surum")
    values = (f"NEW.\"tucbsNo\", NEW.version, {', '.join('NEW.' + c.strip() for c in COLUMNS.split(','))}, "
              "NEW.\"surumBaslangicZamani\", NULL, CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'update' END, "
              "nullif(current_setting('cbs.user_id', true), '')::int, coalesce(current_setting('cbs.actor', true), ''), "
              "coalesce(current_setting('cbs.request_id', true), ''), NULL, ''")
    if mode == "row":
        cursor.execute(f"""
            CREATE FUNCTION bench_h_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE bench_h_surum SET "surumBitisZamani" = NEW."surumBaslangicZamani"
                WHERE "tucbsNo" = NEW."tucbsNo" AND "surumBitisZamani" IS NULL AND TG_OP = 'UPDATE';
                INSERT INTO bench_h_surum ({HISTORY_COLUMNS}) VALUES ({values});
                RETURN NULL;
            END $$""")
        cursor.execute("CREATE TRIGGER bench_h_row AFTER INSERT OR UPDATE ON bench_h_layer "
                       "FOR EACH ROW EXECUTE FUNCTION bench_h_row()")
    elif mode == "statement":
        new_values = values.replace("NEW.", "n.")
        for op in ("INSERT", "UPDATE"):
            close = ("" if op == "INSERT" else
                     "UPDATE bench_h_surum h SET \"surumBitisZamani\" = n.\"surumBaslangicZamani\" FROM new_rows n "
                     "WHERE h.\"tucbsNo\" = n.\"tucbsNo\" AND h.\"surumBitisZamani\" IS NULL;")
            cursor.execute(f"""
                CREATE FUNCTION bench_h_stmt_{op.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    {close}
                    INSERT INTO bench_h_surum ({HISTORY_COLUMNS}) SELECT {new_values} FROM new_rows n;
                    RETURN NULL;
                END $$""")
            cursor.execute(f"CREATE TRIGGER bench_h_stmt_{op.lower()} AFTER {op} ON bench_h_layer "
                           f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION bench_h_stmt_{op.lower()}()")


def _teardown(cursor) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_h_layer, bench_h_surum CASCADE")
    cursor.execute("DROP FUNCTION IF EXISTS bench_h_row(), bench_h_stmt_insert(), bench_h_stmt_update() CASCADE")


# What the services send (layers.versioning.record_versions, without the hash's aggregate around it).
SERVICE_SQL = f"""
    WITH src AS MATERIALIZED (SELECT * FROM bench_h_layer WHERE id IN ({{ids}})),
    closed AS (UPDATE bench_h_surum o SET "surumBitisZamani" = src."surumBaslangicZamani" FROM src
               WHERE o."tucbsNo" = src."tucbsNo" AND o."surumBitisZamani" IS NULL AND %(close)s)
    INSERT INTO bench_h_surum ({HISTORY_COLUMNS})
    SELECT "tucbsNo", version, {COLUMNS}, "surumBaslangicZamani", NULL, %(op)s, %(user)s, 'bench', '', NULL, ''
    FROM src ORDER BY id
"""


def single_edits(mode: str, n: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM bench_h_layer ORDER BY id LIMIT %s", [n])
        ids = [row[0] for row in cursor.fetchall()]
    started = time.perf_counter()
    for pk in ids:
        with transaction.atomic(), connection.cursor() as cursor:
            if mode != "services":  # the trigger reads who from the session (as pghistory's context)
                cursor.execute("SELECT set_config('cbs.user_id', '1', true), set_config('cbs.actor', 'bench', true)")
            cursor.execute("UPDATE bench_h_layer SET adi = adi || '.', version = version + 1, "
                           "\"surumBaslangicZamani\" = now() WHERE id = %s", [pk])
            if mode == "services":
                cursor.execute(SERVICE_SQL.format(ids="%(id)s"), {"id": pk, "op": "update", "user": 1, "close": True})
    return time.perf_counter() - started


def bulk_insert(mode: str, n: int) -> float:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if mode != "services":
            cursor.execute("SELECT set_config('cbs.user_id', '1', true), set_config('cbs.actor', 'bench', true)")
        cursor.execute("CREATE TEMP TABLE bench_h_new (id bigint) ON COMMIT DROP")
        cursor.execute(f"""
            WITH ins AS (
                INSERT INTO bench_h_layer ("tucbsNo", {COLUMNS}, version, "surumBaslangicZamani")
                SELECT 10000000 + g, 2000000000 + g, b.adi, b."zeminUstuKatSayisi", b."zeminAltiKatSayisi",
                       b."bagimsizBolumSayisi", b."yapiGrubuTipi", b."yapiSinifiTipi", b."yapiKullanimIzniTarihi",
                       NULL, NULL, ST_Translate(b.geom, 0, 20000 + (g / 6029) * 3000), 1, now()
                FROM generate_series(1, %(n)s) g
                JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM layers_bina) b ON b.k = g %% 6029
                RETURNING id)
            INSERT INTO bench_h_new SELECT id FROM ins""", {"n": n})
        if mode == "services":
            cursor.execute(SERVICE_SQL.format(ids="SELECT id FROM bench_h_new"), {"op": "import", "user": 1, "close": False})
    return time.perf_counter() - started


def bench_history(edits: int = 1000, bulk: int = 100_000) -> list[tuple[str, float]]:
    rows = []
    for mode, label in (("services", "services (INSERT … SELECT in the transaction)"),
                        ("row", "row-level trigger (django-pghistory's way)"),
                        ("statement", "statement-level trigger with transition tables")):
        with connection.cursor() as cursor:
            _setup(cursor, mode)
        try:
            rows.append((f"{edits} single edits, history by {label} (s)", single_edits(mode, edits)))
            rows.append((f"{bulk} buildings in one INSERT … SELECT, history by {label} (s)", bulk_insert(mode, bulk)))
        finally:
            with connection.cursor() as cursor:
                _teardown(cursor)
    for label, value in rows:
        print(f"history: {label:95} {value:8.2f}", flush=True)
    return rows


if __name__ == "__main__":  # python -m bench.history [N_EDITS] [N_BULK]
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_samples", verbosity=0)
    edits = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    bulk = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    result = bench_history(edits, bulk)
    out = Path(__file__).parent / "results" / "history-latest.md"
    out.write_text("# Feature history: services vs triggers\n\n| case | value |\n|---|---|\n"
                   + "".join(f"| {label} | {value:.2f} |\n" for label, value in result))
