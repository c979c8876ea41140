"""Exports read back with real GDAL: every format, the TUCBS attribute names, the chosen CRS,
bbox subsets; the gate decides what may be exported; sensitive exports are logged."""

import io
import zipfile

import pytest
from django.contrib.gis.gdal import DataSource

from cbs.audit.models import AccessRecord
from cbs.testing import make_user
from layers.models import KamuHizmeti

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
