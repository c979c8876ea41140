"""Import benchmark: N buildings from a GeoPackage through the whole import against
`ogr2ogr -f PostgreSQL` on the same file.

The file is built from the sample district's buildings, copied on a grid north of everything
the bench database holds (a metropolitan municipality's worth of buildings, new numbers), so
the import's checks pass as they would for a real delivery. Three imports are timed:
  1. append: every building is new (insert, its first version in the history table, one audit
     record for the import with the hash of the versions written);
  2. replace in the file's extent with a second file in which EVERY building changed (one more
     floor above ground, the footprint moved 1 cm east): every building is matched by tucbsNo and
     updated (its previous version closed, the new one written) – the heavy path, on which the
     target is judged (a replace only versions features whose attributes or geometry changed);
  3. replace again with a third file in which one building in ten changed once more (a floor):
     the realistic case, 10 % updated and 90 % unchanged.
Each import = check (ogr2ogr staging + the checking statements) + write (one transaction).
Afterwards the imported buildings, their history rows and the audit records the imports wrote
are removed again with SQL (a benchmark fixture, like the top-up), so the other benchmark
cases see the same tables next time.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

from django.core.files import File
from django.db import connection
from django.test import override_settings

GRID_GAP_M = 200.0  # between copies of the district


def _floors(expr: str) -> str:
    """Another valid number of floors above ground (1…120), always different from expr's."""
    return f"(({expr}) % 120 + 1)"


FLOORS = '"zeminUstuKatSayisi"'


def _variant(variant: str, max_no: int) -> tuple[str, str]:
    """(floors above ground, footprint) of a file against the original copies: "original";
    "all" (every building one more floor, moved 1 cm east); "tenth" (as "all", and every tenth
    building – row numbers 10, 20, … – one floor more again)."""
    moved = "ST_Translate(geom, 0.01, 0)"
    return {"original": (FLOORS, "geom"),
            "all": (_floors(FLOORS), moved),
            "tenth": (f'CASE WHEN ("tucbsNo" - {max_no}) % 10 = 0 THEN {_floors(_floors(FLOORS))} '
                      f'ELSE {_floors(FLOORS)} END', moved)}[variant]


def _build_file(source: Path, rows_wanted: int, variant: str = "original") -> tuple[float, ...]:
    """Write the GeoPackage (the original copies, or a variant of them: _variant); returns its
    lon/lat extent. Numbers come from the layer's maximum, so build every variant before importing."""
    from layers.imports import staging
    from layers.models.base import municipality_area

    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*), ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), '
                       'ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom)) FROM layers_bina '
                       'WHERE ST_Within(geom, %s::geometry)', [municipality_area().ewkt])
        per_copy, xmin, ymin, xmax, ymax = cursor.fetchone()
        cursor.execute('SELECT max("tucbsNo"), max("binaKimlikNo") FROM layers_bina')
        max_no, max_kimlik = cursor.fetchone()
    floors, geom = _variant(variant, max_no)
    copies = math.ceil(rows_wanted / per_copy)
    columns = math.ceil(math.sqrt(copies))
    step_x, step_y = xmax - xmin + GRID_GAP_M, ymax - ymin + GRID_GAP_M
    area = municipality_area().ewkt
    # Copy k sits in column k % columns, row k // columns + 1 (row 0 is the district itself).
    sql = f"""
        SELECT "tucbsNo", "binaKimlikNo", adi, {floors}::smallint AS "zeminUstuKatSayisi", "zeminAltiKatSayisi",
               "bagimsizBolumSayisi", "yapiGrubuTipi", "yapiSinifiTipi", "yapiKullanimIzniTarihi", {geom} AS geom
        FROM (
            SELECT {max_no} + row_number() OVER (ORDER BY k, b."tucbsNo") AS "tucbsNo",
                   {max(max_kimlik or 0, 10**9)} + row_number() OVER (ORDER BY k, b."tucbsNo") AS "binaKimlikNo",
                   b.adi, b."zeminUstuKatSayisi", b."zeminAltiKatSayisi", b."bagimsizBolumSayisi",
                   b."yapiGrubuTipi", b."yapiSinifiTipi", b."yapiKullanimIzniTarihi",
                   ST_Translate(b.geom, (k % {columns}) * {step_x}, (k / {columns} + 1) * {step_y}) AS geom
            FROM generate_series(0, {copies - 1}) AS k
            CROSS JOIN (SELECT * FROM layers_bina WHERE ST_Within(geom, '{area}'::geometry)) b
        ) grid ORDER BY "tucbsNo" LIMIT {int(rows_wanted)}
    """  # noqa: S608  (our numbers only)
    target, env = staging._pg_target()
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(source), target, "-sql", sql, "-nln", "bina"],
                   check=True, env=env, capture_output=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_Extent(ST_Transform(geom, 4326)) FROM ({sql}) g")  # noqa: S608
        box = cursor.fetchone()[0]
    lo, hi = box[4:-1].split(",")
    (x0, y0), (x1, y1) = (map(float, lo.split()), map(float, hi.split()))
    return (x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01)


def _ogr2ogr_baselines(source: Path, changed: Path) -> tuple[float, float, float]:
    """ogr2ogr on the same file into a new table (no constraints, one spatial index built at the
    end); and that plus one INSERT … SELECT of its rows into a copy of the building layer's table
    with its rows, indexes and constraints: what loading the file into the layer costs the
    database without any of our checks, history or audit. (ogr2ogr -append into the copy itself
    sends one INSERT per feature – GDAL 3.6 uses COPY only for tables it creates – and took 197 s.)
    Third, for context (the targets are judged against the second): the database's own replace –
    ogr2ogr of the changed file into a new table plus one UPDATE … FROM of the copy's million
    rows by tucbsNo – what an in-place replace costs before any check, history or audit."""
    from layers.imports import staging

    target, env = staging._pg_target()
    started = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", target, str(source), "-nln", "bench_ogr2ogr_bina",
                    "-overwrite"], check=True, env=env, capture_output=True)
    fresh = time.perf_counter() - started
    columns = ('"tucbsNo", "binaKimlikNo", adi, "zeminUstuKatSayisi", "zeminAltiKatSayisi", "bagimsizBolumSayisi", '
               '"yapiGrubuTipi", "yapiSinifiTipi", "yapiKullanimIzniTarihi"')
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_layer_copy")
        cursor.execute("CREATE TABLE bench_layer_copy (LIKE layers_bina INCLUDING ALL)")
        cursor.execute("INSERT INTO bench_layer_copy SELECT * FROM layers_bina")
        cursor.execute("SELECT setval(pg_get_serial_sequence('bench_layer_copy', 'id'), max(id)) FROM bench_layer_copy")
        cursor.execute("ANALYZE bench_layer_copy")
        started = time.perf_counter()
        cursor.execute(f"INSERT INTO bench_layer_copy ({columns}, geom, version, \"surumBaslangicZamani\") "  # noqa: S608
                       f"SELECT {columns.lower()}, geom, 1, now() FROM bench_ogr2ogr_bina")
        into_layer = fresh + time.perf_counter() - started
        cursor.execute("ANALYZE bench_layer_copy")
    started = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", target, str(changed), "-nln", "bench_ogr2ogr_changed",
                    "-overwrite"], check=True, env=env, capture_output=True)
    sets = ", ".join(f"{c} = s.{c.lower()}" for c in columns.split(", ") if c != '"tucbsNo"')
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE bench_layer_copy t SET {sets}, geom = s.geom, version = t.version + 1, "  # noqa: S608
                       f"\"surumBaslangicZamani\" = now() FROM bench_ogr2ogr_changed s "
                       f"WHERE t.\"tucbsNo\" = s.\"tucbsno\"")
        if cursor.rowcount == 0:
            raise RuntimeError("the changed file's numbers matched none of the copy's buildings")
        replace_own = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_layer_copy, bench_ogr2ogr_bina, bench_ogr2ogr_changed")
    return fresh, into_layer, replace_own


class StatementTimes:
    """Django execute wrapper: wall time per kind of statement (its first words, numbers
    blanked), so the bench can say where an import's time goes statement by statement."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    @staticmethod
    def kind(sql: str) -> str:
        import re

        text = re.sub(r"\s+", " ", sql).strip()
        text = re.sub(r"\d+", "N", text)
        # The statement's verb and its target: what a reader needs to recognise it.
        match = re.match(r"(WITH \w+ AS \(\s*)?(INSERT INTO \S+|UPDATE \S+|DELETE FROM \S+|CREATE [A-Z ]*TABLE \S+"
                         r"|SELECT .{0,60}?FROM \S+|LOCK TABLE \S+|ANALYZE \S+|\w+)", text)
        head = match.group(0) if match else text[:60]
        return head[:110]

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = self.kind(sql)
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started
            self.calls[key] = self.calls.get(key, 0) + 1

    def top(self, n: int = 12) -> list[tuple[str, int, float]]:
        return sorted(((k, self.calls[k], v) for k, v in self.seconds.items()), key=lambda r: -r[2])[:n]


def _import(source: Path, mode: str, updated: int | None = None) -> dict[str, float]:
    from layers.imports import areas, jobs

    phases = {}
    times = {"check": StatementTimes(), "write": StatementTimes()}
    phases["statements"] = times
    started = time.perf_counter()
    with open(source, "rb") as handle:
        job = jobs.job_create(user=None, layer_name="bi-bina", upload=File(handle, name="bina.gpkg"))
    settings_ = {"mode": mode, **({"area": areas.FILE_EXTENT} if mode == "replace" else {})}
    job = jobs.job_configure(job=job, user=None, settings_=settings_)
    with connection.execute_wrapper(times["check"]):
        job = jobs.run(job.pk, "check")
    phases["check"] = time.perf_counter() - started
    assert job.status == "checked" and job.rejected == 0, (job.message, job.rejected)
    started = time.perf_counter()
    with connection.execute_wrapper(times["write"]):
        job = jobs.run(job.pk, "write")
    phases["write"] = time.perf_counter() - started
    assert job.status == "done", job.message
    if updated is not None:  # the file changes what the bench says it changes
        assert job.result["updated"] == updated, job.result
    jobs.uploads.remove_folder(job.pk)
    print(f"import: {mode}: {job.result}", flush=True)
    return phases


def bench_import(rows_wanted: int) -> list[tuple[str, float]]:
    from cbs.audit.context import acting_as

    folder = Path(tempfile.mkdtemp(prefix="cbs-bench-import-"))
    source = folder / "bina.gpkg"
    changed, tenth = folder / "bina-changed.gpkg", folder / "bina-tenth.gpkg"
    bbox = _build_file(source, rows_wanted)
    _build_file(changed, rows_wanted, "all")
    _build_file(tenth, rows_wanted, "tenth")
    baseline, baseline_layer, replace_own = _ogr2ogr_baselines(source, changed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE layers_bina_surum")  # what an earlier run left (see below)
        cursor.execute('SELECT max("tucbsNo") FROM layers_bina')
        before_max = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditrecord")
        before_audit = cursor.fetchone()[0]
    try:
        # The municipality of a million buildings: its area is the file's (the checks still test it).
        with acting_as("command:bench"), override_settings(CBS_MAP_BBOX=bbox):
            append = _import(source, "append")
            replace = _import(changed, "replace", updated=rows_wanted)
            replace_tenth = _import(tenth, "replace", updated=rows_wanted // 10)
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DELETE FROM layers_bina WHERE "tucbsNo" > %s', [before_max])
            cursor.execute('DELETE FROM layers_bina_surum WHERE "tucbsNo" > %s', [before_max])
            # And the two million audit records the imports wrote (the chain's tail, nothing else
            # writes audit records meanwhile): left behind, they made every later run's monthly
            # report slower and its audit table 2 GB bigger. VACUUM gives the space back to the
            # next run (the deleted rows are the tables' tails, so the files shrink too).
            cursor.execute("DELETE FROM audit_auditrecord WHERE id > %s", [before_audit])
            cursor.execute("VACUUM ANALYZE layers_bina")
            cursor.execute("VACUUM ANALYZE audit_auditrecord")
            # The history table too: the two million versions each run leaves dead would stay in
            # its file (1.1 GB after a few runs), and the next run's replace closes versions
            # with a scan of the whole table – a bench artefact, not what a layer's history holds.
            cursor.execute("VACUUM ANALYZE layers_bina_surum")
        for path in (source, changed, tenth):
            path.unlink()
        os.rmdir(folder)
    n = rows_wanted
    rows = [(f"ogr2ogr -f PostgreSQL, {n} buildings into a new table (s)", baseline),
            (f"ogr2ogr into a new table + INSERT … SELECT into a copy of the layer table, {n} buildings (s)",
             baseline_layer),
            (f"for context: ogr2ogr of the changed file + UPDATE … FROM of the copy's {n} buildings (s)",
             replace_own)]
    cases = (("append (all new)", append), ("replace (all changed)", replace),
             ("replace (10 % changed)", replace_tenth))
    for label, phases in cases:
        total = phases["check"] + phases["write"]
        rows += [(f"Kent CBS import {label}: check (stage + checks) (s)", phases["check"]),
                 (f"Kent CBS import {label}: write (1 transaction + history + audit) (s)", phases["write"]),
                 (f"Kent CBS import {label}: total (s)", total),
                 (f"Kent CBS import {label}: total / ogr2ogr into a new table", total / baseline),
                 (f"Kent CBS import {label}: total / ogr2ogr into the layer's copy", total / baseline_layer)]
        if label.startswith("replace (all"):
            rows.append((f"Kent CBS import {label}: total / ogr2ogr + UPDATE … FROM (context)", total / replace_own))
    for label, phases in (("append", append), ("replace", replace), ("replace 10 %", replace_tenth)):
        for phase in ("check", "write"):
            times = phases["statements"][phase]
            in_sql = sum(times.seconds.values())
            rows.append((f"{label} {phase}: outside SQL statements (ogr2ogr staging subprocess, Python) (s)",
                         phases[phase] - in_sql))
            rows += [(f"{label} {phase}: `{kind}` ×{calls} (s)", secs) for kind, calls, secs in times.top()
                     if secs >= 0.05]
    for label, value in rows:
        print(f"import: {label:70} {value:8.2f}", flush=True)
    return rows


if __name__ == "__main__":  # python -m bench.imports N  (the import case alone)
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_samples", verbosity=0)
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    result = bench_import(wanted)
    out = Path(__file__).parent / "results" / "import-latest.md"
    out.write_text("# Import benchmark\n\n| case | value |\n|---|---|\n"
                   + "".join(f"| {label} | {value:.2f} |\n" for label, value in result))
