"""Text written into CSV and XLSX files is neutralised against formulas (architecture rule 9).

Spreadsheet programs run a cell whose text starts with = + - @ as a formula (and skip a leading
TAB or CR before looking): a stored name `=HYPERLINK("http://…","tikla")` becomes a live link,
`+1+1` a sum. Excel with an East Asian input method and LibreOffice also read the full-width
signs ＝＋－＠ that way. The remedy OWASP gives, used for every CSV and XLSX the site writes:
such text gets a leading single quote, so the cell holds the text and nothing runs.

Only text is touched: a stored number -1 stays the number -1, and None stays empty. GeoJSON,
GeoPackage and the other formats are never neutralised (they are data, not spreadsheets).

- `neutralise(value)`: one cell.
- `csv_writer(out)`: a `csv.writer` whose rows are neutralised.
- `xlsx_append(sheet, values)`: one openpyxl row whose text cells are text, never formulas.
- `neutralise_properties(properties)`: a GeoJSON feature's properties, for CSV formatters.
- `neutralise_sql(expression)`: the same rule in SQL, for files PostGIS and GDAL write.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

QUOTE = "'"
# What spreadsheet programs take as the start of a formula (OWASP's list, plus full-width signs).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise[T](value: T) -> T:
    """Text that a spreadsheet would run as a formula, with a leading quote; anything else as is."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return QUOTE + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def neutralise_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a feature's properties with their text values neutralised (names are ours)."""
    return {name: neutralise(value) for name, value in properties.items()}


class _NeutralisingWriter:
    """`csv.writer` with every row neutralised."""

    def __init__(self, out, **fmtparams):
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **fmtparams) -> _NeutralisingWriter:
    """A CSV writer (the arguments of `csv.writer`) that neutralises every cell it writes."""
    return _NeutralisingWriter(out, **fmtparams)


def xlsx_append(sheet, values: Iterable[Any]) -> None:
    """Append one row to an openpyxl worksheet: numbers stay numbers, text is neutralised and
    stored as text (openpyxl would otherwise store any text starting with = as a formula)."""
    sheet.append(neutralise_row(values))  # neutralised text never starts with =: a text cell


def _sql_character(ch: str) -> str:
    return f"chr({ord(ch)})" if not ch.isprintable() else "'" + ch.replace("'", "''") + "'"


_SQL_TRIGGERS = ", ".join(_sql_character(ch) for ch in TRIGGERS)


def neutralise_sql(expression: str) -> str:
    """A SQL expression for the text `expression` (a column of ours, never user input) neutralised
    by the same rule as `neutralise`; NULL stays NULL."""
    return (f"(CASE WHEN left({expression}, 1) IN ({_SQL_TRIGGERS}) "
            f"THEN {_sql_character(QUOTE)} || {expression} ELSE {expression} END)")
