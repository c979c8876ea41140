"""External clients read the OGC API from a live server: GDAL's OAPIF driver and OWSLib."""

import json
import subprocess

import pytest
from owslib.ogcapi.features import Features

from layers.models import Bina, KamuHizmeti


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


class GdalClientTests:
    def test_ogrinfo_lists_collections_without_parcels(self, live_site, db):
        """ogrinfo sees every public collection and not the internal parcels."""
        out = run("ogrinfo", "-ro", "-q", f"OAPIF:{live_site}/ogc/")
        assert "bi-bina" in out and "ad-numarataj" in out and "tk-parsel" not in out

    def test_ogr2ogr_copies_every_building(self, live_site, db, tmp_path):
        """ogr2ogr with PAGE_SIZE=1000 pages through all buildings and keeps TUCBS fields."""
        target = tmp_path / "bina.geojson"
        run("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{live_site}/ogc/", "bi-bina",
            "-oo", "PAGE_SIZE=1000")
        features = json.loads(target.read_text())["features"]
        assert len(features) == Bina.objects.count()
        assert {"binaKimlikNo", "zeminUstuKatSayisi"} <= set(features[0]["properties"])

    def test_ogrinfo_feature_count_and_extent(self, live_site, db):
        """ogrinfo's summary counts the same features and reports a Zeytinburnu extent."""
        out = run("ogrinfo", "-ro", "-so", f"OAPIF:{live_site}/ogc/", "kh-hizmet",
                  "-oo", "PAGE_SIZE=1000")
        assert f"Feature Count: {KamuHizmeti.objects.count()}" in out
        assert "Extent: (28.8" in out


class OwslibClientTests:
    def test_owslib_reads_collections_and_items(self, live_site, db):
        """OWSLib lists the collections and reads items with a bbox."""
        api = Features(f"{live_site}/ogc")
        ids = [c["id"] for c in api.collections()["collections"]]
        assert "id-mahalle" in ids and "tk-parsel" not in ids
        items = api.collection_items("id-mahalle", limit=20)
        assert len(items["features"]) == 13
        assert items["features"][0]["properties"]["uavtKodu"] > 40000
        queryables = api.collection_queryables("bi-bina")
        assert "binaKimlikNo" in queryables["properties"]


@pytest.fixture(autouse=True)
def _quiet_gdal(monkeypatch):
    # GDAL would otherwise try the network for CRS grids; everything here is local.
    monkeypatch.setenv("PROJ_NETWORK", "OFF")
    monkeypatch.setenv("GDAL_HTTP_TIMEOUT", "60")
