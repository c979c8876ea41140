"""The 1 000 000-building checks of `make bench`, in a database of their own
(CBS_BENCH_BIG_DATABASE_URL; bench.run starts this module with DATABASE_URL pointing there), so
the main bench database stays at 100 000 rows from run to run.

The first run migrates it, loads the samples and tops bi-bina up to CBS_BENCH_BIG_ROWS
(1 000 000; a few minutes), later runs find it filled. Measured: the ~1 000-building bbox plans
(bench.plans) and the z15 tile (bench.tiles). Prints one JSON document (BENCH-JSON …).
"""

import json
import os
import sys
import time

from bench.run import BBOX, REPEAT, raw_sql_text, table_rows, timed, top_up  # sets Django up

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> dict:
    rows_wanted = int(os.environ.get("CBS_BENCH_BIG_ROWS", "1000000"))
    call_command("migrate", verbosity=0)
    if table_rows("layers_bina") == 0:
        call_command("load_samples", verbosity=0)
    started = time.perf_counter()
    top_up("layers_bina", rows_wanted)
    print(f"big table: bi-bina holds {table_rows('layers_bina')} rows "
          f"({time.perf_counter() - started:.0f} s to top up)", file=sys.stderr, flush=True)
    from datetime import date

    from cbs.audit.context import acting_as
    from layers.models import PublicationState
    from layers.publication import publication_set
    from layers.registry import get_layer
    from ogc.config import clear_caches

    with acting_as("command:bench"):
        publication_set(layer=get_layer("bi-bina"), state=PublicationState.HERKESE_ACIK,
                        decision_number="bench", decision_date=date(2024, 1, 1))
    clear_caches()
    client = Client(HTTP_HOST="127.0.0.1")
    from bench import plans, tiles

    return {"plans": plans.check_bbox(client, timed, raw_sql_text, "bi-bina", "layers_bina", BBOX),
            "tile": tiles.bench_tile(client, REPEAT, " (big table)")}


if __name__ == "__main__":
    print("BENCH-JSON " + json.dumps(main()))
