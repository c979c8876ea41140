"""`numberMatched` of an items page, only where it is cheap (OGC API – Features: optional).

Exact when the page itself proves it (first page, not full), for filtered queries (filter,
bbox, property equality: the index narrows them) and for small tables; left out for an
unfiltered read of a big table, where COUNT(*) would cost more than the page."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

from cbs.db import read_alias

SMALL_TABLE = 50_000  # rows (planner estimate) up to which an unfiltered count is cheap


def _estimated_rows(qs: QuerySet, alias: str) -> float:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                       [qs.model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row else float("inf")


def number_matched(*, qs: QuerySet, filtered: bool, offset: int, limit: int,
                   returned: int) -> int | None:
    if returned < limit and (offset == 0 or returned > 0):
        return offset + returned
    alias = read_alias()
    if filtered or _estimated_rows(qs, alias) <= SMALL_TABLE:
        return qs.using(alias).count()
    return None
