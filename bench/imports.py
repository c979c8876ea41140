"""Import benchmark: N buildings from a GeoPackage through the whole import (staging, checks,
one write transaction with per-feature history and audit) against `ogr2ogr -f PostgreSQL` on the
same file. The import replaces the features of the file's extent: every building is matched by
its tucbsNo and updated (the heavier path: before and after snapshots for each)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from django.core.files import File
from django.db import connection


def bench_import(rows_wanted: int) -> list[tuple[str, float]]:
    from cbs.audit.context import acting_as
    from layers.imports import areas, jobs, staging

    folder = Path(tempfile.mkdtemp(prefix="cbs-bench-import-"))
    source = folder / "bina.gpkg"
    target, env = staging._pg_target()
    columns = ", ".join(f'"{c}"' for c in ("tucbsNo", "binaKimlikNo", "adi", "zeminUstuKatSayisi",
                                            "zeminAltiKatSayisi", "bagimsizBolumSayisi", "yapiGrubuTipi",
                                            "yapiSinifiTipi", "yapiKullanimIzniTarihi"))
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(source), target, "-sql",
                    f'SELECT {columns}, geom FROM layers_bina ORDER BY "tucbsNo" LIMIT {rows_wanted}',
                    "-nln", "bina"], check=True, env=env, capture_output=True)
    started = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", target, str(source), "-nln", "bench_ogr2ogr_bina",
                    "-overwrite"], check=True, env=env, capture_output=True)
    baseline = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ogr2ogr_bina")

    phases = {}
    with acting_as("command:bench"):
        started = time.perf_counter()
        with open(source, "rb") as handle:
            job = jobs.job_create(user=None, layer_name="bi-bina", upload=File(handle, name="bina.gpkg"))
        job = jobs.job_configure(job=job, user=None, settings_={"mode": "replace", "area": areas.FILE_EXTENT})
        job = jobs.run(job.pk, "check")
        phases["check"] = time.perf_counter() - started
        assert job.status == "checked" and job.rejected == 0, (job.message, job.rejected)
        started = time.perf_counter()
        job = jobs.run(job.pk, "write")
        phases["write"] = time.perf_counter() - started
        assert job.status == "done", job.message
    total = phases["check"] + phases["write"]
    jobs.uploads.remove_folder(job.pk)
    source.unlink()
    os.rmdir(folder)
    rows = [(f"ogr2ogr -f PostgreSQL, {rows_wanted} buildings (s)", baseline),
            (f"Kent CBS import check (stage + checks), {rows_wanted} (s)", phases["check"]),
            (f"Kent CBS import write (1 transaction + audit), {rows_wanted} (s)", phases["write"]),
            (f"Kent CBS import total, {rows_wanted} buildings (s)", total),
            ("ratio total / ogr2ogr", total / baseline)]
    for label, value in rows:
        print(f"import: {label:60} {value:8.1f}", flush=True)
    return rows


if __name__ == "__main__":  # python -m bench.imports N  (the import case alone)
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
    django.setup()
    from bench.run import top_up

    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    top_up("layers_bina", wanted)
    result = bench_import(wanted)
    out = Path(__file__).parent / "results" / "import-latest.md"
    out.write_text("# Import benchmark\n\n| case | value |\n|---|---|\n"
                   + "".join(f"| {label} | {value:.2f} |\n" for label, value in result))
