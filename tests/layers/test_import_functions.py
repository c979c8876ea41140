"""The SQL helpers the import checks use (cbs_import schema), called as the checks call them."""

from datetime import date

import pytest
from django.db import connection

CASES = [
    ("2026-11-23", date(2026, 11, 23)), ("2026/11/23", date(2026, 11, 23)), ("2026.1.5", date(2026, 1, 5)),
    ("23.11.2026", date(2026, 11, 23)), ("5/1/2026", date(2026, 1, 5)), ("23-11-2026", date(2026, 11, 23)),
    ("2026-11-23T10:30:00Z", date(2026, 11, 23)), ("23.11.2026 10:30", date(2026, 11, 23)),
    ("  23.11.2026", date(2026, 11, 23)), ("29.02.2024", date(2024, 2, 29)), ("29.02.2000", date(2000, 2, 29)),
    ("29.02.2023", None), ("29.02.1900", None), ("31.04.2026", None), ("31.02.2020", None),
    ("2026-13-01", None), ("2026-00-10", None), ("00.01.2026", None), ("0000-01-01", None),
    ("٢٠٢٦-11-23", None), ("12026-01-01", None), ("2026-11", None), ("yesterday", None), ("", None),
    ("2026-11-23x", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_to_date_reads_iso_and_turkish_dates_and_refuses_impossible_ones(db, text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cbs_import.to_date(%s)", [text])
        assert cursor.fetchone()[0] == expected


def test_to_date_may_run_in_parallel_workers(db):
    """No EXCEPTION block (a subtransaction per call): the checking statement can go parallel."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT proparallel FROM pg_proc WHERE oid = 'cbs_import.to_date'::regproc")
        assert cursor.fetchone()[0] == "s"
