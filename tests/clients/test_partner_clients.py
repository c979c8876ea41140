"""A partner's own tools against a live server: QGIS 3.22 (Debian's python3-qgis, run headless
by the system Python with its own profile and authentication database), GDAL and OWSLib – over
the OGC API, WMS and WFS, with the key as HTTP Basic credentials for a protocol-only layer.
The key never shows in the access log, in logged URLs or in Django's log."""

import json
import logging
import os
import subprocess
from pathlib import Path

import pytest
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService

from cbs.audit.models import AccessRecord
from layers.models import KamuHizmeti, Numarataj, PublicationState
from layers.publication import publication_set
from layers.registry import get_layer
from tests.conftest import DECISION

QGIS_SCRIPT = Path(__file__).with_name("qgis_read.py")
PROTOCOL_LAYER = "ad-numarataj"  # in live_partner's protocol


@pytest.fixture(scope="module")
def numarataj_for_partners(django_db_setup, django_db_blocker):
    """ad-numarataj committed as partners-only for this module (the live server reads commits)."""
    with django_db_blocker.unblock():
        publication_set(layer=get_layer(PROTOCOL_LAYER), state=PublicationState.PROTOKOLLU,
                        decision_number=DECISION[0], decision_date=DECISION[1])
    yield
    with django_db_blocker.unblock():
        publication_set(layer=get_layer(PROTOCOL_LAYER), state=PublicationState.HERKESE_ACIK,
                        decision_number=DECISION[0], decision_date=DECISION[1])


@pytest.fixture(autouse=True)
def _offline_gdal(monkeypatch):
    monkeypatch.setenv("PROJ_NETWORK", "OFF")
    monkeypatch.setenv("GDAL_HTTP_TIMEOUT", "60")


def qgis(tmp_path, key: str | None, layers: list[dict]) -> list[dict]:
    """Open `layers` in a headless QGIS with a Basic auth config holding `key`."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        ["/usr/bin/python3", str(QGIS_SCRIPT), str(tmp_path / "profile"),
         json.dumps({"key": key, "user": "Canlı Test Kurumu", "layers": layers})],
        capture_output=True, text=True, timeout=600, env=env, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert lines, result.stderr[-2000:]
    return json.loads(lines[-1])


def run(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def gdal_basic(key: str) -> dict:
    return {"GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"kurum:{key}"}


class QgisTests:
    def test_qgis_reads_every_collection_with_its_key(self, live_site, live_partner, numarataj_for_partners,
                                                       tmp_path, db, caplog):
        """QGIS opens every collection the partner may see through the OGC API – given the landing
        URL with and without the trailing slash – authenticating with a Basic auth config;
        counts match the database. The key is in no log record and no access-log path."""
        caplog.set_level(logging.DEBUG)
        import requests

        listing = requests.get(f"{live_site}/ogc/collections", auth=("kurum", live_partner),
                               params={"f": "json"}, timeout=60).json()
        names = [c["id"] for c in listing["collections"] if c.get("itemType") == "feature"]
        assert PROTOCOL_LAYER in names and "tk-parsel" not in names
        specs = [{"provider": "OAPIF", "uri": f"url='{live_site}/ogc{slash}' typename='{name}'"}
                 for slash, name in [("", n) for n in names] + [("/", PROTOCOL_LAYER)]]
        results = qgis(tmp_path, live_partner, specs)
        for spec, result, name in zip(specs, results, names + [PROTOCOL_LAYER]):
            assert result["valid"], spec
            assert result["count"] == get_layer(name).model.objects.count(), name
        assert "numaratajTipi" in results[names.index(PROTOCOL_LAYER)]["fields"] or \
            "kapiNumarasi" in results[names.index(PROTOCOL_LAYER)]["fields"]
        assert live_partner not in caplog.text
        assert not AccessRecord.objects.filter(path__contains=live_partner).exists()
        assert AccessRecord.objects.filter(institution="Canlı Test Kurumu",
                                           path__startswith=f"/ogc/collections/{PROTOCOL_LAYER}").exists()

    def test_qgis_without_key_does_not_see_protocol_layer(self, live_site, numarataj_for_partners, tmp_path, db):
        """Without the key the protocol layer is not a valid layer in QGIS; public ones are."""
        results = qgis(tmp_path, None, [
            {"provider": "OAPIF", "uri": f"url='{live_site}/ogc' typename='{PROTOCOL_LAYER}'"},
            {"provider": "OAPIF", "uri": f"url='{live_site}/ogc' typename='kh-hizmet'"},
        ])
        assert not results[0]["valid"] and results[1]["valid"]

    def test_qgis_wms_and_wfs_providers(self, live_site, live_partner, numarataj_for_partners, tmp_path, db):
        """QGIS's WFS provider reads the protocol layer with the key (TUCBS names, TM zone);
        its WMS provider draws a public layer in EPSG:5254."""
        results = qgis(tmp_path, live_partner, [
            {"provider": "WFS", "uri": f"url='{live_site}/ows/wfs' typename='kentcbs:{PROTOCOL_LAYER}' "
                                       "version='2.0.0'"},
            {"provider": "wms", "uri": f"url={live_site}/ows/wms&layers=id-mahalle&styles="
                                       "&format=image/png&crs=EPSG:5254"},
        ])
        wfs, wms = results
        assert wfs["valid"] and wfs["count"] == Numarataj.objects.count()
        assert "kapiNumarasi" in wfs["fields"] and wfs["crs"] == "EPSG:5254"
        assert wms["valid"] and wms["crs"] == "EPSG:5254" and wms["colours"] > 3


class GdalTests:
    def test_ogrinfo_oapif_with_basic_credentials(self, live_site, live_partner, numarataj_for_partners, db):
        """ogrinfo's OAPIF driver pages (PAGE_SIZE=1000) through the protocol layer with the key."""
        out = run("ogrinfo", "-ro", "-so", f"OAPIF:{live_site}/ogc", PROTOCOL_LAYER,
                  "-oo", "PAGE_SIZE=1000", env=gdal_basic(live_partner))
        assert f"Feature Count: {Numarataj.objects.count()}" in out
        anonymous = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{live_site}/ogc", PROTOCOL_LAYER],
                                   capture_output=True, text=True, timeout=120, check=False)
        assert anonymous.returncode != 0

    def test_gdal_wfs_driver(self, live_site, live_partner, numarataj_for_partners, tmp_path, db):
        """GDAL's WFS driver lists the layers and copies a whole layer with paging."""
        listing = run("ogrinfo", "-ro", "-q", f"WFS:{live_site}/ows/wfs")
        assert "kentcbs:kh-hizmet" in listing and PROTOCOL_LAYER not in listing
        target = tmp_path / "numarataj.geojson"
        run("ogr2ogr", "-f", "GeoJSON", str(target), f"WFS:{live_site}/ows/wfs",
            f"kentcbs:{PROTOCOL_LAYER}", "--config", "OGR_WFS_PAGE_SIZE", "1000",
            "--config", "OGR_WFS_PAGING_ALLOWED", "ON", env=gdal_basic(live_partner))
        doc = json.loads(target.read_text())
        assert len(doc["features"]) == Numarataj.objects.count()
        assert "kapiNumarasi" in doc["features"][0]["properties"]


class OwslibTests:
    def test_owslib_wms(self, live_site, live_partner, numarataj_for_partners, db):
        """OWSLib's WMS 1.3.0 client: contents per caller, GetMap PNG, legend URL."""
        public = WebMapService(f"{live_site}/ows/wms", version="1.3.0")
        assert "id-mahalle" in public.contents and PROTOCOL_LAYER not in public.contents
        wms = WebMapService(f"{live_site}/ows/wms", version="1.3.0", username="kurum",
                            password=live_partner)
        assert PROTOCOL_LAYER in wms.contents
        assert "EPSG:5254" in wms.contents["id-mahalle"].crsOptions
        image = wms.getmap(layers=["id-mahalle"], styles=[""], srs="EPSG:3857",
                           bbox=(3212800, 5006900, 3222700, 5015700), size=(256, 256),
                           format="image/png")
        data = image.read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000

    def test_owslib_wfs(self, live_site, live_partner, numarataj_for_partners, db):
        """OWSLib's WFS 2.0 client reads a page as GeoJSON and GML 3.2."""
        wfs = WebFeatureService(f"{live_site}/ows/wfs", version="2.0.0", username="kurum",
                                password=live_partner)
        assert f"kentcbs:{PROTOCOL_LAYER}" in wfs.contents
        page = json.loads(wfs.getfeature(typename=["kentcbs:kh-hizmet"], maxfeatures=10, startindex=5,
                                         outputFormat="application/geo+json").read())
        assert len(page["features"]) == 10 and page["features"][0]["properties"]["id"] > 0
        gml = wfs.getfeature(typename=[f"kentcbs:{PROTOCOL_LAYER}"], maxfeatures=3).read()
        assert b"gml/3.2" in gml and b"kapiNumarasi" in gml
        assert KamuHizmeti.objects.count() > 15
