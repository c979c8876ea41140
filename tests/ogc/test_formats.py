"""Item output formats besides JSON: GeoPackage (our formatter) and CSV (pygeoapi's), read back
by GDAL and compared with the JSON the same request gives."""

import csv
import io
import json
import subprocess
from datetime import datetime

import pytest

from layers.models import KamuHizmeti
from tests.spreadsheets import csv_rows, formula_service_points, quoted

CRS = "http://www.opengis.net/def/crs/EPSG/0/"
DATETIMES = {"surumBaslangicZamani", "surumBitisZamani"}


def without(properties: dict, names: set[str]) -> dict:
    return {k: v for k, v in properties.items() if k not in names}


def moment(value: str | None) -> float | None:
    return None if value is None else datetime.fromisoformat(value).timestamp()


def features_of(path) -> list[dict]:
    """The features GDAL reads from a file, as GeoJSON (x/y order, the file's CRS)."""
    result = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(path)],
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)["features"]


def srs_of(path) -> str:
    return subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def gpkg(client, tmp_path, layer: str, **params):
    response = client.get(f"/ogc/collections/{layer}/items", {"f": "gpkg", **params})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert response["Content-Disposition"] == f'attachment; filename="{layer}.gpkg"'
    path = tmp_path / f"{layer}.gpkg"
    path.write_bytes(response.content)
    return path


class GeoPackageTests:
    def test_gpkg_has_the_json_page_features_and_attributes(self, client, db, tmp_path):
        """f=gpkg holds the features and TUCBS attributes of the same JSON page, in CRS84 lon/lat."""
        page = client.get("/ogc/collections/kh-hizmet/items", {"limit": 1000}).json()["features"]
        assert len(page) == KamuHizmeti.objects.count() > 50
        read = features_of(gpkg(client, tmp_path, "kh-hizmet", limit=1000))
        assert len(read) == len(page)
        by_id = {f["properties"]["tucbsNo"]: f for f in read}
        for feature in page:
            got = by_id[feature["id"]]
            # GeoPackage keeps date-times typed, to the millisecond; GDAL holds the seconds in a
            # 32-bit float, so x.xxx498 s can round up to the next millisecond.
            assert without(got["properties"], DATETIMES) == without(feature["properties"], DATETIMES)
            for name in DATETIMES:
                assert moment(got["properties"][name]) == pytest.approx(moment(feature["properties"][name]), abs=0.001)
            assert got["geometry"]["coordinates"] == pytest.approx(feature["geometry"]["coordinates"], abs=1e-9)
        lon, lat = read[0]["geometry"]["coordinates"]
        assert 28.86 < lon < 28.95 and 40.97 < lat < 41.03

    def test_epsg4326_page_is_stored_x_lon_y_lat(self, client, db, tmp_path):
        """crs=EPSG:4326 is written latitude first in JSON; the GeoPackage stores x=lon, y=lat, EPSG:4326."""
        path = gpkg(client, tmp_path, "kh-hizmet", crs=f"{CRS}4326", limit=5)
        lon, lat = features_of(path)[0]["geometry"]["coordinates"]
        assert 28.86 < lon < 28.95 and 40.97 < lat < 41.03
        assert 'ID["EPSG",4326]' in srs_of(path)

    def test_tm_zone_page_keeps_metres(self, client, db, tmp_path):
        """crs=EPSG:5254 (TUREF/TM30, northing first in JSON) gives easting/northing in metres."""
        json_page = client.get("/ogc/collections/bi-bina/items", {"crs": f"{CRS}5254", "limit": 3}).json()
        path = gpkg(client, tmp_path, "bi-bina", crs=f"{CRS}5254", limit=3)
        read = features_of(path)
        assert len(read) == 3 and 'ID["EPSG",5254]' in srs_of(path)
        northing, easting = json_page["features"][0]["geometry"]["coordinates"][0][0][0]
        x, y = read[0]["geometry"]["coordinates"][0][0][0]
        assert (x, y) == pytest.approx((easting, northing), abs=1e-6)
        assert 400_000 < x < 420_000 and 4_530_000 < y < 4_550_000

    def test_items_page_links_the_gpkg_and_csv_alternates(self, client, db):
        links = client.get("/ogc/collections/kh-hizmet/items", {"limit": 2}).json()["links"]
        alternates = {link["type"]: link["href"] for link in links if link["rel"] == "alternate"}
        assert "f=gpkg" in alternates["application/geopackage+sqlite3"]
        assert "f=csv" in alternates["text/csv; charset=utf-8"]

    def test_hidden_collection_is_not_found_in_any_format(self, client, db):
        """The access gate applies before any formatter: parcels stay internal."""
        assert client.get("/ogc/collections/tk-parsel/items", {"f": "gpkg"}).status_code == 404

    def test_unknown_format_is_a_clear_400(self, client, db):
        response = client.get("/ogc/collections/kh-hizmet/items", {"f": "shp"})
        assert response.status_code == 400
        assert response.json()["code"] == "InvalidParameterValue"

    def test_other_endpoints_do_not_take_item_formats(self, client, db):
        assert client.get("/ogc/", {"f": "gpkg"}).status_code == 400


class CsvTests:
    def test_csv_rows_equal_the_json_page(self, client, db):
        response = client.get("/ogc/collections/kh-hizmet/items", {"f": "csv", "limit": 1000})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
        assert len(rows) == KamuHizmeti.objects.count()
        assert {"tucbsNo", "adi"} <= set(rows[0])

    def test_csv_quotes_formula_text_and_json_keeps_it(self, client, db):
        """pygeoapi's CSV gets text that would run as a formula after a quote (numbers stay
        numbers); the JSON page keeps the stored text."""
        stored = formula_service_points()
        response = client.get("/ogc/collections/kh-hizmet/items", {"f": "csv", "limit": 1000})
        assert response.status_code == 200
        header, *rows = csv_rows(response.content)
        ours = {int(r["tucbsNo"]): r for r in (dict(zip(header, row, strict=True)) for row in rows)
                if int(r["tucbsNo"]) in stored}
        assert ours.keys() == stored.keys()
        for number, payload in stored.items():
            row = ours[number]
            assert (row["adi"], row["Iletisim_adres"]) == (quoted(payload), quoted(payload))
            assert row["Iletisim_telefon"] == "'+90 212 000 00 00" and row["hizmetTipi"] == "egitim"
        page = client.get("/ogc/collections/kh-hizmet/items", {"limit": 1000}).json()["features"]
        assert {f["id"]: f["properties"]["adi"] for f in page if f["id"] in stored} == stored
