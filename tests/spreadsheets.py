"""Formula payloads for the CSV/XLSX outputs, and checks that a downloaded file runs none of them."""

import csv
import io
import re

# Text a spreadsheet program would run as a formula (OWASP's list and the full-width signs).
PAYLOADS = (
    '=HYPERLINK("http://example.org/x","tikla")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # ＝1+1
    "\uff0b1+1",  # ＋1+1
    "\uff0d1+1",  # －1+1
    "\uff20SUM(1+1)",  # ＠SUM(1+1)
)
STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?")  # a stored number as CSV writes it


def quoted(payload: str) -> str:
    """How a neutralised payload reads in a cell: the text after a single quote."""
    return "'" + payload


def csv_rows(content: bytes) -> list[list[str]]:
    """Every row of a CSV download; no cell starts like a formula (a negative number may)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(STARTS) or NUMBER.fullmatch(cell), (cell, row)
    return rows


def xlsx_cells(content: bytes) -> list:
    """Every cell of every sheet of an XLSX download; none is a formula or starts like one."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert cell.data_type == "s" and not cell.value.startswith(STARTS), (cell.coordinate, cell.value)
    return cells


def formula_service_points() -> dict[int, str]:
    """One public service point (kh-hizmet) per payload, in its name and address, written by the
    editor's service, with a telephone that starts with +: {tucbsNo: payload}."""
    from layers.registry import get_layer
    from layers.services import FeatureInput, feature_create
    from tests.geometries import POINT_LONLAT

    layer = get_layer("kh-hizmet")
    def properties(payload: str) -> dict:
        return {"adi": payload, "hizmetTipi": "egitim", "Iletisim_adres": payload,
                "Iletisim_telefon": "+90 212 000 00 00"}

    return {feature_create(layer=layer, feature=FeatureInput(properties(p), POINT_LONLAT)).tucbs_no: p
            for p in PAYLOADS}
