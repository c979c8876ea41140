"""Print to PDF (issue 18.5; target: an A4 page under 3 s): the whole print against its parts –
PostGIS preparing the paper geometries (the SQL alone), and reportlab drawing them."""

from __future__ import annotations

import time

from django.db import connection

LAYERS = ("id-mahalle", "ak-imar", "bi-bina", "ad-yol", "ad-numarataj", "kh-hizmet", "kh-kamera")
CASES = (("A4", False, 1000), ("A4", False, 2500), ("A4", False, 5000), ("A3", True, 5000),
         ("A3", True, 10000))


def _median(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return runs[len(runs) // 2]


def dense_centre() -> tuple[float, float]:
    """Where the bench's buildings stand closest (the middle of the generated block)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c "
                       "FROM layers_bina) s")
        return cursor.fetchone()


def bench_print(repeat: int = 5) -> list[tuple[str, float]]:
    from django.utils import translation

    from layers.printing import PrintSpec, layer_content, print_map, render
    from layers.registry import get_layer

    layers = [get_layer(name) for name in LAYERS]
    centre = dense_centre()
    rows = []
    with translation.override("tr"):
        for paper, landscape, scale in CASES:
            spec = PrintSpec(paper, landscape, scale, centre, "Bench")
            contents = [layer_content(layer, spec) for layer in layers]
            features = sum(len(c.features) for c in contents)
            name = f"{paper} {'landscape' if landscape else 'portrait'} 1:{scale} ({features} features)"
            rows.append((f"{name}: whole print, ms", _median(lambda: print_map(spec, layers), repeat)))
            rows.append((f"{name}: PostGIS paper geometries, ms",
                         _median(lambda: [layer_content(layer, spec) for layer in layers], repeat)))
            rows.append((f"{name}: drawing the PDF, ms", _median(lambda: render(spec, contents), repeat)))
    return rows
