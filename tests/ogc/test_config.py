import pytest
from pygeoapi.config import validate_config
from pygeoapi.openapi import get_oas

from layers.registry import Access, all_layers
from ogc.config import build_config

PUBLIC = [layer.name for layer in all_layers() if layer.access != Access.INTERNAL and not layer.sensitive]


class ConfigTests:
    def test_generated_config_validates_and_has_openapi(self, db):
        """The configuration built from the registry passes pygeoapi's schema and OpenAPI build."""
        cfg = build_config()
        assert validate_config(cfg)
        assert get_oas(cfg)["paths"]

    def test_resources_follow_registry(self, db):
        """One resource per layer (the gate hides them per caller), our provider, TM CRS, CRS list."""
        cfg = build_config()
        assert list(cfg["resources"]) == [layer.name for layer in all_layers()]
        provider = cfg["resources"]["bi-bina"]["providers"][0]
        assert provider["name"] == "ogc.provider.KentPostGISProvider"
        assert provider["storage_crs"].endswith("/EPSG/0/5254")
        assert "http://www.opengis.net/def/crs/EPSG/0/3857" in provider["crs"]

    def test_extent_computed_from_data(self, db):
        """Each collection's spatial extent is the data's bbox in CRS84, inside the municipality."""
        minx, miny, maxx, maxy = build_config()["resources"]["bi-bina"]["extents"]["spatial"]["bbox"]
        assert 28.86 < minx < maxx < 28.95 and 40.97 < miny < maxy < 41.03


class CollectionsTests:
    def test_every_published_layer_listed_with_metadata(self, client, db):
        """/ogc/collections lists every public layer with its TUCBS theme keyword and CRS list."""
        body = client.get("/ogc/collections", HTTP_ACCEPT_LANGUAGE="tr").json()
        by_id = {c["id"]: c for c in body["collections"]}
        assert sorted(by_id) == sorted([*PUBLIC, "katalog"])  # the catalogue (OGC API – Records)
        bina = by_id["bi-bina"]
        assert bina["title"] == "Binalar"
        assert "BI" in bina["keywords"]
        assert "http://www.opengis.net/def/crs/EPSG/0/5254" in bina["crs"]

    @pytest.mark.parametrize("path", [
        "/ogc/collections/tk-parsel", "/ogc/collections/tk-parsel/items",
        "/ogc/collections/tk-parsel/items/1", "/ogc/collections/tk-parsel/queryables",
        "/ogc/collections/tk-parsel/schema",
    ])
    def test_internal_layer_is_404_everywhere(self, client, db, path):
        """The parcel layer answers 404 on every route."""
        assert client.get(path).status_code == 404

    def test_internal_layer_absent_from_listing_and_openapi(self, client, db):
        """Parcels appear neither in /collections nor in the OpenAPI document."""
        assert "tk-parsel" not in client.get("/ogc/collections").content.decode()
        assert "tk-parsel" not in client.get("/ogc/openapi?f=json").content.decode()

    @pytest.mark.parametrize("path", ["/ogc/", "/ogc/conformance", "/ogc/openapi?f=json",
                                      "/ogc/collections/bi-bina/queryables",
                                      "/ogc/collections/bi-bina/schema"])
    def test_json_routes_answer(self, client, db, path):
        """Landing, conformance, OpenAPI, queryables and schema answer 200 with JSON."""
        response = client.get(path)
        assert response.status_code == 200
        assert response.json()

    def test_queryables_list_tucbs_names(self, client, db):
        """Queryables use the TUCBS attribute names with their JSON types."""
        props = client.get("/ogc/collections/ad-numarataj/queryables").json()["properties"]
        assert props["uavtAdresNo"]["type"] == "integer"
        assert props["kapiNumarasi"]["type"] == "string"


def test_the_municipalitys_logo_on_the_ogc_pages(client, db, settings):
    """CBS_OGC_LOGO_URL replaces pygeoapi's logo in the pages' header (the default keeps it)."""
    from ogc.config import clear_caches

    assert '<img src="/static/pygeoapi/img/logo.png"' in client.get("/ogc/", {"f": "html"}).content.decode()
    settings.CBS_OGC_LOGO_URL = "/static/cbs/img/belediye-logo.png"
    clear_caches()
    try:
        page = client.get("/ogc/", {"f": "html"}).content.decode()
    finally:
        settings.CBS_OGC_LOGO_URL = ""
        clear_caches()
    import re
    assert re.findall(r"<img src=\"[^\"]*\"", page)[:1] == ['<img src="/static/cbs/img/belediye-logo.png"']


def test_page_links_follow_each_requests_host(client, db, settings):
    """Without CBS_OGC_BASE_URL the base URL comes from each request: its pages link there too."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    for host in ("localhost", "127.0.0.1", "localhost"):
        page = client.get("/ogc/", {"f": "html"}, HTTP_HOST=host).content.decode()
        assert f'href="http://{host}/ogc/collections?f=html"' in page
