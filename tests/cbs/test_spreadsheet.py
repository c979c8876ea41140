"""The one rule for text in CSV/XLSX files: formulas get a leading quote, numbers stay numbers,
and the SQL form agrees with the Python form."""

import io
from decimal import Decimal

import pytest
from django.db import connection

from cbs.spreadsheet import csv_writer, neutralise, neutralise_properties, neutralise_sql, xlsx_append
from tests.spreadsheets import PAYLOADS, csv_rows, quoted, xlsx_cells

SAFE = ("", "Zeytinburnu Belediyesi", "'=already quoted", " =1+1", "1+1", "a=b", "İ-1", "0212 000 00 00")


class NeutraliseTests:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_formula_text_gets_a_leading_quote(self, payload):
        """Text starting with = + - @ TAB CR (or ＝＋－＠) is kept after a single quote."""
        assert neutralise(payload) == quoted(payload)

    @pytest.mark.parametrize("text", SAFE)
    def test_other_text_is_unchanged(self, text):
        assert neutralise(text) == text

    @pytest.mark.parametrize("value", [-1, -1.5, Decimal("-2.25"), 0, None, True, b"=1+1"])
    def test_only_text_is_touched(self, value):
        """A stored number -1 stays the number -1 (and None stays empty)."""
        result = neutralise(value)
        assert result == value and type(result) is type(value)

    def test_properties_are_copied_not_changed(self):
        properties = {"adi": "=1+1", "kat": -1, "yok": None}
        assert neutralise_properties(properties) == {"adi": "'=1+1", "kat": -1, "yok": None}
        assert properties["adi"] == "=1+1"


class WriterTests:
    def test_csv_writer_neutralises_every_cell(self):
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["=header", -1])
        writer.writerows([[payload, -1] for payload in PAYLOADS])
        rows = csv_rows(out.getvalue().encode())
        assert rows[0] == ["'=header", "-1"]
        assert [row[0] for row in rows[1:]] == [quoted(p) for p in PAYLOADS]

    def test_xlsx_rows_hold_text_and_numbers_never_formulas(self):
        from openpyxl import Workbook

        book = Workbook()
        for payload in PAYLOADS:
            xlsx_append(book.active, [payload, -1, 2.5, None])
        out = io.BytesIO()
        book.save(out)
        cells = xlsx_cells(out.getvalue())
        assert [c.value for c in cells if isinstance(c.value, str)] == [quoted(p) for p in PAYLOADS]
        numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
        assert numbers == [-1, 2.5] * len(PAYLOADS)


def test_sql_form_agrees_with_python(db):
    """neutralise_sql() in PostgreSQL gives what neutralise() gives, for formulas, safe text and NULL."""
    values = [*PAYLOADS, *SAFE, None]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {neutralise_sql('v')} FROM unnest(%s::text[]) WITH ORDINALITY AS u(v, n) "
                       "ORDER BY n", [values])
        assert [row[0] for row in cursor.fetchall()] == [neutralise(v) for v in values]
