"""Items served by our provider equal PostGIS's own answers."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cbs import prepared

CRS = "http://www.opengis.net/def/crs/EPSG/0/"
BBOX = (28.895, 40.99, 28.91, 41.005)  # about a thousand buildings


def raw_ids(sql: str, params=()) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def served_ids(client, layer: str, **params) -> list[int]:
    body = client.get(f"/ogc/collections/{layer}/items", {"limit": 10000, **params}).json()
    return [f["id"] for f in body["features"]]


class ItemsTests:
    def test_bbox_equals_postgis(self, client, db):
        """A CRS84 bbox returns exactly the rows PostGIS finds with the envelope transformed."""
        expected = raw_ids(
            'SELECT "tucbsNo" FROM layers_bina WHERE geom && '
            'ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 5254) ORDER BY "tucbsNo"', BBOX)
        assert 500 < len(expected) < 2000
        assert served_ids(client, "bi-bina", bbox=",".join(map(str, BBOX))) == expected

    def test_bbox_in_tm_zone_uses_northing_easting(self, client, db):
        """bbox-crs=EPSG:5254 takes the axis order of EPSG:5254 (northing, easting)."""
        e0, n0, e1, n1 = 407000, 4540000, 408000, 4541000
        expected = raw_ids('SELECT "tucbsNo" FROM layers_bina WHERE geom && '
                           'ST_MakeEnvelope(%s, %s, %s, %s, 5254) ORDER BY "tucbsNo"', (e0, n0, e1, n1))
        assert expected
        served = served_ids(client, "bi-bina", bbox=f"{n0},{e0},{n1},{e1}", **{"bbox-crs": f"{CRS}5254"})
        assert served == expected

    def test_property_filter_equals_postgis(self, client, db):
        """Filtering by a queryable returns the rows with that value."""
        expected = raw_ids('SELECT "tucbsNo" FROM layers_bina WHERE "zeminUstuKatSayisi" = 5 ORDER BY "tucbsNo"')
        assert served_ids(client, "bi-bina", zeminUstuKatSayisi=5) == expected

    def test_sortby_descending(self, client, db):
        """sortby=-prop orders descending, tucbsNo breaking ties."""
        body = client.get("/ogc/collections/bi-bina/items",
                          {"sortby": "-zeminUstuKatSayisi", "limit": 50}).json()
        floors = [f["properties"]["zeminUstuKatSayisi"] for f in body["features"]]
        assert floors == sorted(floors, reverse=True) and floors[0] == 12

    def test_paging_links(self, client, db):
        """limit/offset pages carry next and prev links that continue the sequence."""
        body = client.get("/ogc/collections/bi-bina/items", {"limit": 10, "offset": 10}).json()
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert "offset=20" in rels["next"] and "offset=0" in rels["prev"]
        assert [f["id"] for f in body["features"]] == list(range(11, 21))

    def test_default_output_is_crs84_lon_lat(self, client, db):
        """Without crs the coordinates are lon/lat (CRS84) and Content-Crs says so."""
        response = client.get("/ogc/collections/kh-hizmet/items/1")
        lon, lat = response.json()["geometry"]["coordinates"]
        assert 28.86 < lon < 28.95 and 40.97 < lat < 41.03
        assert "OGC/1.3/CRS84" in response["Content-Crs"]

    def test_epsg4326_is_lat_lon(self, client, db):
        """crs=EPSG:4326 writes latitude first, as the EPSG definition says."""
        lat, lon = client.get("/ogc/collections/kh-hizmet/items/1", {"crs": f"{CRS}4326"}).json()[
            "geometry"]["coordinates"]
        assert 40.97 < lat < 41.03 and 28.86 < lon < 28.95

    def test_tm_round_trip_within_a_millimetre(self, client, db):
        """A stored point comes back through crs=EPSG:5254 within 1 mm (northing, easting)."""
        with connection.cursor() as cursor:
            cursor.execute('SELECT ST_X(geom), ST_Y(geom) FROM layers_kamuhizmeti WHERE "tucbsNo" = 1')
            easting, northing = cursor.fetchone()
        response = client.get("/ogc/collections/kh-hizmet/items/1", {"crs": f"{CRS}5254"})
        n, e = response.json()["geometry"]["coordinates"]
        assert abs(n - northing) < 0.001 and abs(e - easting) < 0.001
        assert response["Content-Crs"] == f"<{CRS}5254>"

    @pytest.mark.parametrize("srid", [5252, 3857])
    def test_other_offered_crs(self, client, db, srid):
        """EPSG:5252 and 3857 are offered and answer with plausible coordinates."""
        coords = client.get("/ogc/collections/kh-hizmet/items/1", {"crs": f"{CRS}{srid}"}).json()[
            "geometry"]["coordinates"]
        if srid == 3857:
            assert 3_200_000 < coords[0] < 3_230_000 and 5_000_000 < coords[1] < 5_020_000
        else:
            assert 40.97 < coords[0] < 41.03

    def test_html_items_page(self, client, db):
        """The HTML items page renders with local assets only and a CSP nonce."""
        response = client.get("/ogc/collections/bi-bina/items", {"f": "html", "limit": 5})
        html = response.content.decode()
        assert response.status_code == 200
        assert "unpkg.com" not in html and "cdn.jsdelivr" not in html
        assert "/static/vendor/leaflet/leaflet.js" in html
        assert "nonce-" in response["Content-Security-Policy"]

    def test_single_item_and_properties_subset(self, client, db):
        """properties= limits the attributes; skipGeometry drops the geometry."""
        body = client.get("/ogc/collections/bi-bina/items",
                          {"properties": "binaKimlikNo", "skipGeometry": "true", "limit": 1}).json()
        feature = body["features"][0]
        assert feature["geometry"] is None and list(feature["properties"]) == ["binaKimlikNo"]

    def test_bbox_kept_in_paging_links(self, client, db):
        """Next/self links of a bbox query keep the bbox, so clients page the same area."""
        bbox = ",".join(map(str, BBOX))
        body = client.get("/ogc/collections/bi-bina/items", {"bbox": bbox, "limit": 10}).json()
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert f"bbox={bbox}" in rels["next"] and f"bbox={bbox}" in rels["self"]
        following = client.get("/ogc" + rels["next"].split("/ogc", 1)[1]).json()
        expected = raw_ids(
            'SELECT "tucbsNo" FROM layers_bina WHERE geom && '
            'ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 5254) ORDER BY "tucbsNo" '
            "LIMIT 10 OFFSET 10", BBOX)
        assert [f["id"] for f in following["features"]] == expected


def _copy_buildings_east(times: int) -> None:
    """The sample's buildings copied `times` over far east of the district (new numbers), then
    ANALYZE: the table the bench measures (~100 000 rows), inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_name = 'layers_bina' "
            "AND column_name NOT IN ('id', 'tucbsNo', 'binaKimlikNo', 'geom')")
        columns = cursor.fetchone()[0]
        cursor.execute(
            f'INSERT INTO layers_bina ("tucbsNo", "binaKimlikNo", geom, {columns}) '  # noqa: S608
            f'SELECT "tucbsNo" + k * 10000000, "binaKimlikNo" + k * 1000000000, '
            f"ST_Translate(geom, 50000.0 * k, 0), {columns} "
            "FROM layers_bina, generate_series(1::bigint, %s) AS k", [times])
        cursor.execute("ANALYZE layers_bina")


def _plan_nodes(plan: dict) -> list[str]:
    nodes = [plan["Node Type"] + (f" on {plan['Relation Name']}" if "Relation Name" in plan else "")]
    for child in plan.get("Plans", []):
        nodes += _plan_nodes(child)
    return nodes


class ItemsPlanTests:
    def test_thousand_building_bbox_uses_the_spatial_index_at_100000_rows(self, client, db, monkeypatch):
        """At ~100 000 rows PostgreSQL planned the provider's query for the ~1 000-building bbox
        as a parallel sequential scan (the Feature JSON's cost made it look cheap, 3-4x slower
        than the index). The rows are now chosen by a plan of their own: the spatial index –
        in the one plan the fast path prepares for every bbox (cbs.prepared: a generic plan)."""
        _copy_buildings_east(15)
        statements = []
        real = prepared.fetchone

        def recorded(sql, params):
            statements.append((sql, params))
            return real(sql, params)
        monkeypatch.setattr(prepared, "fetchone", recorded)
        try:
            served = served_ids(client, "bi-bina", bbox=",".join(map(str, BBOX)))
            sql, params = next((sql, params) for sql, params in statements if "string_agg" in sql)
            nodes = _plan_nodes(prepared.generic_plan(sql, params)["Plan"])
            bina = [node for node in nodes if node.endswith("on layers_bina")]
            assert not any("Seq Scan" in node for node in bina) and not any("Gather" in node for node in nodes), nodes
            assert any(node.endswith("on layers_bina") and "Index" in node or "Bitmap Heap" in node
                       for node in nodes), nodes
            expected = raw_ids(
                'SELECT "tucbsNo" FROM layers_bina WHERE geom && '
                'ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 5254) ORDER BY "tucbsNo"', BBOX)
            assert served == expected
        finally:  # ANALYZE writes the row estimate in place: leave it right for later tests
            with connection.cursor() as cursor:
                cursor.execute('DELETE FROM layers_bina WHERE "tucbsNo" > 10000000')
                cursor.execute("ANALYZE layers_bina")
