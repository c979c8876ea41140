"""Exports read back with real GDAL: every format, the TUCBS attribute names, the chosen CRS,
bbox subsets; the gate decides what may be exported; sensitive exports are logged."""

import io
import zipfile

import pytest
from django.contrib.gis.gdal import DataSource

from cbs.audit.models import AccessRecord
from cbs.testing import make_user
from layers.models import KamuHizmeti
from tests.spreadsheets import csv_rows, formula_service_points, quoted, xlsx_cells

URL = "/map/export/"


def read(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            z.extractall(tmp_path / "shp")
        path = next((tmp_path / "shp").glob("*.shp"))
    return DataSource(str(path))[0]


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson", "kml", "csv", "xlsx", "dxf"])
def test_every_format_reads_back_with_gdal(client, db, tmp_path, fmt):
    response = client.get(URL, {"layer": "kh-hizmet", "format": fmt, "crs": 5254})
    assert response.status_code == 200, response.content[:200]
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    layer = read(tmp_path, name, response.content)
    assert len(layer) == KamuHizmeti.objects.count()
    if fmt not in ("dxf", "kml"):  # DXF carries geometry only; KML keeps names, not every field
        assert {"tucbsNo", "adi", "hizmetTipi"} <= set(layer.fields)


def test_crs_and_coordinates(client, db, tmp_path):
    """In the TM zone the exported point is the stored one (to the millimetre)."""
    first = KamuHizmeti.objects.order_by("tucbs_no").first()
    response = client.get(URL, {"layer": "kh-hizmet", "format": "gpkg", "crs": 5254})
    layer = read(tmp_path, "x.gpkg", response.content)
    assert layer.srs.srid == 5254
    feature = next(f for f in layer if f.get("tucbsNo") == first.tucbs_no)
    assert abs(feature.geom.x - first.geom.x) < 0.001 and abs(feature.geom.y - first.geom.y) < 0.001


def test_bbox_subset(client, db, tmp_path):
    response = client.get(URL, {"layer": "kh-hizmet", "format": "geojson", "crs": 4326,
                                "bbox": "28.89,40.98,28.91,41.0"})
    layer = read(tmp_path, "x.geojson", response.content)
    assert 0 < len(layer) < KamuHizmeti.objects.count()


def test_gate_and_bad_input(client, db):
    assert client.get(URL, {"layer": "tk-parsel", "format": "gpkg"}).status_code == 404  # internal
    assert client.get(URL, {"layer": "kh-kamera", "format": "gpkg"}).status_code == 404  # sensitive
    assert client.get(URL, {"layer": "kh-hizmet", "format": "exe"}).status_code == 400
    assert client.get(URL, {"layer": "kh-hizmet", "format": "gpkg", "crs": "9999"}).status_code == 400
    assert client.get(URL, {"layer": "kh-hizmet", "format": "gpkg", "bbox": "1,2"}).status_code == 400


def test_sensitive_export_is_logged(client, db):
    client.force_login(make_user(("module:assets", "view")))
    response = client.get(URL, {"layer": "kh-kamera", "format": "csv", "crs": 5254})
    assert response.status_code == 200
    record = AccessRecord.objects.exclude(purpose="").latest("id")
    assert record.purpose.startswith("export: kh-kamera")


@pytest.fixture
def formula_features(db):
    return formula_service_points()


class FormulaTests:
    def test_csv_export_quotes_formula_text(self, client, formula_features):
        """Text that would run as a formula gets a leading quote in the CSV; numbers stay numbers."""
        response = client.get(URL, {"layer": "kh-hizmet", "format": "csv", "crs": 5254})
        assert response.status_code == 200
        header, *rows = csv_rows(response.content)
        ours = {int(row[header.index("tucbsNo")]): dict(zip(header, row, strict=True)) for row in rows
                if int(row[header.index("tucbsNo")]) in formula_features}
        assert ours.keys() == formula_features.keys()
        for number, payload in formula_features.items():
            row = ours[number]
            assert (row["adi"], row["Iletisim_adres"]) == (quoted(payload), quoted(payload))
            assert row["Iletisim_telefon"] == "'+90 212 000 00 00" and row["hizmetTipi"] == "egitim"

    def test_xlsx_export_has_text_cells_not_formulas(self, client, formula_features):
        """GDAL writes text as shared strings (never <f> formulas); the text is quoted as in the CSV."""
        response = client.get(URL, {"layer": "kh-hizmet", "format": "xlsx", "crs": 5254})
        assert response.status_code == 200
        cells = xlsx_cells(response.content)
        columns = max(c.column for c in cells)
        rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
        header = [c.value for c in rows[0]]
        ours = {row[header.index("tucbsNo")].value: {h: c for h, c in zip(header, row, strict=True)}
                for row in rows[1:] if row[header.index("tucbsNo")].value in formula_features}
        assert ours.keys() == formula_features.keys()
        for number, payload in formula_features.items():
            row = ours[number]
            # XML reads a CR in text as a line feed (GDAL writes it unescaped).
            expected = quoted(payload).replace("\r", "\n")
            assert (row["adi"].value, row["Iletisim_adres"].value) == (expected, expected)
            assert row["tucbsNo"].data_type == "n" and row["Iletisim_telefon"].value == "'+90 212 000 00 00"

    @pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
    def test_other_formats_keep_the_text_as_stored(self, client, tmp_path, formula_features, fmt):
        response = client.get(URL, {"layer": "kh-hizmet", "format": fmt, "crs": 5254})
        layer = read(tmp_path, f"x.{fmt}", response.content)
        names = {f.get("tucbsNo"): f.get("adi") for f in layer}
        assert {n: names[n] for n in formula_features} == formula_features
