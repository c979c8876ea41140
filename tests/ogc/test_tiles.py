"""Vector tiles (OGC API – Tiles) built by PostGIS, behind the gate, invalidated by writes."""

import subprocess

import pytest
from django.db import connection

from layers.models import Bina
from layers.registry import get_layer
from layers.services import feature_update
from ogc.tiles import tile_lonlat_bounds

# Zeytinburnu at z14, full of sample buildings.
Z, X, Y = 14, 9507, 6142
TILE = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{Z}/{Y}/{X}"


def gdal_feature_count(path, layer: str) -> int:
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-oo", "CLIP=NO", str(path), layer], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return int(out.split("Feature Count: ")[1].split()[0])


class TileTests:
    def test_tile_is_postgis_own_answer_and_readable_by_gdal(self, client, db, tmp_path):
        """The tile holds what PostGIS makes of the tile's buildings, and GDAL reads it."""
        response = client.get(TILE)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM layers_bina WHERE ST_AsMVTGeom(ST_Transform(geom, 3857), "
                "ST_TileEnvelope(%s, %s, %s), 4096, 64, true) IS NOT NULL", [Z, X, Y])
            expected = cursor.fetchone()[0]
        assert expected > 100
        assert response.content.count(b"binaKimlikNo") == 1  # keys are stored once per layer
        path = tmp_path / "tile.pbf"
        path.write_bytes(response.content)
        count = gdal_feature_count(path, "bi-bina")
        assert 0.95 * expected <= count <= expected  # GDAL drops slivers in the buffer zone

    def test_tilesets_listed_with_template(self, client, db):
        """The tileset description links the tile URL template."""
        body = client.get("/ogc/collections/bi-bina/tiles").json()
        assert body["tilesets"][0]["links"][0]["href"].endswith(
            "/collections/bi-bina/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")

    def test_empty_and_impossible_tiles(self, client, db):
        """A tile far away is 204; coordinates outside the matrix are 404."""
        assert client.get("/ogc/collections/bi-bina/tiles/WebMercatorQuad/14/0/0").status_code == 204
        assert client.get("/ogc/collections/bi-bina/tiles/WebMercatorQuad/3/9/9").status_code == 404
        assert client.get("/ogc/collections/bi-bina/tiles/Other/3/1/1").status_code == 404

    def test_hidden_collection_tiles_are_404(self, client, db):
        """The gate applies to tiles exactly as to items."""
        assert client.get(TILE.replace("bi-bina", "tk-parsel")).status_code == 404
        assert client.get("/ogc/collections/tk-parsel/tiles").status_code == 404

    def test_write_invalidates_cached_tile(self, client, db):
        """A cached tile is replaced as soon as a feature changes; unchanged ones answer 304."""
        first = client.get(TILE)
        assert client.get(TILE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        west, south, east, north = tile_lonlat_bounds(Z, X, Y)
        bina = Bina.objects.filter(geom__intersects=_lonlat_box(west, south, east, north)).first()
        feature_update(layer=get_layer("bi-bina"), instance=bina, properties={"adi": "Yeni Ad Apt."})
        second = client.get(TILE, HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200 and second["ETag"] != first["ETag"]
        assert b"Yeni Ad Apt." in second.content and b"Yeni Ad Apt." not in first.content


def _lonlat_box(west, south, east, north):
    from django.contrib.gis.geos import Polygon

    box = Polygon.from_bbox((west, south, east, north))
    box.srid = 4326
    return box


@pytest.fixture(autouse=True)
def _empty_tile_cache():
    # These tests write inside a transaction that rolls back, so generation numbers repeat:
    # never leave their tiles behind for later tests.
    from ogc import tile_store

    tile_store.clear()
    yield
    tile_store.clear()


def test_collection_links_its_tiles(client, db):
    """Each collection document links its vector tilesets."""
    links = client.get("/ogc/collections/bi-bina").json()["links"]
    assert any(link["rel"].endswith("tilesets-vector") and link["href"].endswith("/collections/bi-bina/tiles")
               for link in links)


def test_tile_store_keeps_only_the_current_generation(settings, tmp_path):
    """Tiles are plain files per layer generation; the first tile of a new generation removes
    the layer's older ones (their data changed), not other layers'."""
    from ogc import tile_store

    settings.CBS_TILE_CACHE_DIR = tmp_path
    tile_store.put("bi-bina", 1, 14, 1, 2, b"old")
    tile_store.put("ad-yol", 1, 14, 1, 2, b"road")
    assert tile_store.get("bi-bina", 1, 14, 1, 2) == b"old"
    tile_store.put("bi-bina", 2, 14, 1, 2, b"new")
    assert tile_store.get("bi-bina", 1, 14, 1, 2) is None
    assert tile_store.get("bi-bina", 2, 14, 1, 2) == b"new"
    assert tile_store.get("ad-yol", 1, 14, 1, 2) == b"road"
    assert not list(tmp_path.rglob(".*"))  # no half-written scratch files left
