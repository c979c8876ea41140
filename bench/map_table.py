"""Attribute table and search everywhere over 100 000 buildings (targets: a sorted, filtered page
of 100 rows < 150 ms; a search < 50 ms), each against the bare SQL of the same question."""

from __future__ import annotations

from django.db import connection
from django.test import Client

TABLE_PARAMS = {"sort": "zeminUstuKatSayisi", "order": "desc", "f": "adi:contains:telsiz", "limit": "100"}
TABLE_SQL = """
    SELECT count(*) OVER (), "tucbsNo", adi, "zeminUstuKatSayisi", "yapiSinifiTipi",
           ST_Extent(ST_Transform(ST_Envelope(geom), 4326)) OVER (PARTITION BY id)
    FROM layers_bina WHERE cbs_fold(adi) LIKE '%%telsiz%%'
    ORDER BY "zeminUstuKatSayisi" DESC, "tucbsNo" LIMIT 100
"""
SEARCHES = ["sehit er 12", "telsiz", "ISTASYON", "41.0061 28.9032"]
SEARCH_SQL = """
    SELECT 'mahalle', adi FROM layers_mahalle WHERE cbs_fold(adi) LIKE '%%' || cbs_fold(%(q)s) || '%%'
    UNION ALL SELECT 'yol', adi FROM layers_yol WHERE cbs_fold(adi) LIKE '%%' || cbs_fold(%(q)s) || '%%'
    UNION ALL (SELECT 'bina', adi FROM layers_bina WHERE cbs_fold(adi) LIKE '%%' || cbs_fold(%(q)s) || '%%' LIMIT 6)
"""


def bench_map_table(timed, user) -> list[tuple[str, float]]:
    """Median ms of our endpoints (Django test client, as a superuser) and of the bare SQL, and
    their ratio per question (ours includes the session, the gate, permissions, every searched
    module – layers, assets, tickets – and the JSON; the bare SQL only the layer names)."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []

    def table():
        response = client.get("/map/table/bi-bina/", TABLE_PARAMS)
        assert response.status_code == 200
        return len(response.json()["rows"])

    def raw_table():
        with connection.cursor() as cursor:
            cursor.execute(TABLE_SQL)
            return len(cursor.fetchall())

    ours, bare = timed(table)["median_ms"], timed(raw_table)["median_ms"]
    rows.append(("attribute table: page of 100 buildings, sorted by floors, name filter (ours)", ours))
    rows.append(("attribute table: the same page, bare SQL", bare))
    rows.append(("attribute table: ours / bare SQL", round(ours / bare, 2)))
    for query in SEARCHES:
        def search(q=query):
            response = client.get("/search/", {"q": q})
            assert response.status_code == 200
            return len(response.json()["groups"])

        def raw(q=query):
            with connection.cursor() as cursor:
                cursor.execute(SEARCH_SQL, {"q": q})
                return len(cursor.fetchall())

        ours, bare = timed(search)["median_ms"], timed(raw)["median_ms"]
        rows.append((f"search “{query}” everywhere (ours)", ours))
        rows.append((f"search “{query}”: mahalle + road + building names, bare SQL", bare))
        rows.append((f"search “{query}”: ours / bare SQL", round(ours / bare, 1)))
    return rows
