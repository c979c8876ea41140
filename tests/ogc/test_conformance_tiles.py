"""OGC API – Tiles Part 1 (core, tileset, tilesets-list, geodata-tilesets, mvt) and OGC Two
Dimensional Tile Matrix Set 2.0 (tilematrixset, json-tilematrixset), as declared in
/conformance; requirement ids of the standards in the docstrings."""

import json
import re
import subprocess

import pytest

from ogc.conformance import OURS

TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
Z, X, Y = 14, 9507, 6142
TILE = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{Z}/{Y}/{X}"
INTERNET = re.compile(r'"href":\s*"https?://(?!testserver)')


def test_declared(client, db):
    """/conformance lists Tiles core, tileset, tilesets-list, geodata-tilesets, mvt and TMS."""
    classes = set(client.get("/ogc/conformance", {"f": "json"}).json()["conformsTo"])
    assert {f"{TILES}{c}" for c in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt")} <= classes
    assert "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset" in classes
    assert set(OURS) <= classes


class CoreTests:
    def test_tc_success(self, client, db):
        """/req/core/tc-success: a tile inside the matrix answers 200 with the tile (or 204 when
        empty); /req/core/tc-error: outside the matrix 404."""
        assert client.get(TILE).status_code == 200
        assert client.get("/ogc/collections/bi-bina/tiles/WebMercatorQuad/14/0/0").status_code == 204
        assert client.get("/ogc/collections/bi-bina/tiles/WebMercatorQuad/2/4/0").status_code == 404
        assert client.get("/ogc/collections/bi-bina/tiles/Nope/2/0/0").status_code == 404

    def test_head_is_allowed(self, client, db):
        """HEAD on a tile, a tileset and the tile matrix sets answers like GET without a body."""
        for path in (TILE, "/ogc/collections/bi-bina/tiles", "/ogc/tileMatrixSets",
                     "/ogc/collections/bi-bina/items"):
            response = client.head(path)
            assert response.status_code == 200, path
            assert response.content == b""


class TilesetTests:
    def test_tileset_metadata(self, client, db):
        """/req/tileset/tm-success: the tileset names its tile matrix set (URI and a link to the
        local definition), the data type, the CRS, and a templated link to the tiles."""
        body = client.get("/ogc/collections/bi-bina/tiles/WebMercatorQuad").json()
        assert body["dataType"] == "vector"
        assert body["tileMatrixSetURI"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
        rels = {link["rel"]: link for link in body["links"]}
        assert rels["item"]["templated"] is True and "{tileMatrix}/{tileRow}/{tileCol}" in rels["item"]["href"]
        scheme = rels["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]["href"]
        assert scheme == "http://testserver/ogc/tileMatrixSets/WebMercatorQuad"
        assert client.get(scheme).status_code == 200

    def test_tilesets_list(self, client, db):
        """/req/tilesets-list/tsl-success: /tiles lists tilesets, each with links."""
        body = client.get("/ogc/collections/bi-bina/tiles").json()
        assert body["tilesets"] and all(t["links"] for t in body["tilesets"])

    def test_geodata_tilesets_linked_from_collection(self, client, db):
        """/req/geodata-tilesets: the collection links its vector tilesets."""
        links = client.get("/ogc/collections/bi-bina", {"f": "json"}).json()["links"]
        tiles = [link for link in links if link["rel"].endswith("/tilesets-vector")]
        assert tiles and tiles[0]["href"].endswith("/collections/bi-bina/tiles")

    def test_no_internet_links_in_tiles_metadata(self, client, db):
        """No link of the tiles metadata leaves this server (closed municipal networks)."""
        for path in ("/ogc/collections/bi-bina/tiles", "/ogc/collections/bi-bina/tiles/WebMercatorQuad",
                     "/ogc/tileMatrixSets", "/ogc/tileMatrixSets/WebMercatorQuad"):
            assert not INTERNET.search(client.get(path).content.decode()), path


class MvtTests:
    def test_mvt_media_type_and_decodes(self, client, db, tmp_path):
        """/req/mvt: tiles are Mapbox Vector Tiles (media type, a layer per collection, GDAL reads
        it as MVT)."""
        response = client.get(TILE)
        assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
        path = tmp_path / "t.pbf"
        path.write_bytes(response.content)
        out = subprocess.run(["ogrinfo", "-ro", "-q", "-so", str(path)], capture_output=True, text=True,
                             timeout=60, check=True).stdout
        assert "bi-bina" in out


class TileMatrixSetTests:
    def test_list_and_definition(self, client, db):
        """TMS 2.0 /req/tilematrixset: id, crs, orderedAxes and per matrix id, scaleDenominator,
        cellSize, cornerOfOrigin, pointOfOrigin, tile and matrix sizes; JSON encoding."""
        listing = client.get("/ogc/tileMatrixSets").json()["tileMatrixSets"]
        assert [t["id"] for t in listing] == ["WebMercatorQuad"]
        tms = client.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
        assert tms["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
        assert tms["orderedAxes"] == ["X", "Y"]
        for z, matrix in enumerate(tms["tileMatrices"]):
            assert matrix["id"] == str(z)
            assert matrix["matrixWidth"] == matrix["matrixHeight"] == 2 ** z
            assert matrix["tileWidth"] == matrix["tileHeight"] == 256
            # cellSize × 256 × matrixWidth spans the world; scale = cellSize / 0.28 mm
            assert matrix["cellSize"] * 256 * 2 ** z == pytest.approx(2 * 20037508.3427892)
            assert matrix["scaleDenominator"] == pytest.approx(matrix["cellSize"] / 0.00028)
            assert matrix["pointOfOrigin"] == [-20037508.3427892, 20037508.3427892]
        assert json.dumps(tms)  # plain JSON
        assert client.get("/ogc/tileMatrixSets/WorldCRS84Quad").status_code == 404
