"""OGC API – Features Part 1 (GeoJSON media type, numberMatched, OpenAPI), Part 3 (filter,
features-filter, CQL2 text/JSON, basic CQL2, advanced comparison, basic spatial) and Part 4
(update), as declared in /conformance."""

import json
import re

import pytest

from layers.models import Bina, KamuHizmeti
from ogc import matched

ITEMS = "/ogc/collections/kh-hizmet/items"
F3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"


def ids(client, **params) -> list[int]:
    response = client.get(ITEMS, {"limit": 1000, **params})
    assert response.status_code == 200, response.content[:300]
    return sorted(f["id"] for f in response.json()["features"])


def expected(qs) -> list[int]:
    return sorted(qs.values_list("tucbs_no", flat=True))


def test_declared(client, db):
    """/conformance declares Part 3 filter classes and Part 4 update."""
    classes = set(client.get("/ogc/conformance", {"f": "json"}).json()["conformsTo"])
    assert {f"{F3}filter", f"{F3}features-filter", f"{CQL2}cql2-text", f"{CQL2}cql2-json",
            f"{CQL2}basic-cql2", f"{CQL2}advanced-comparison-operators",
            f"{CQL2}basic-spatial-functions",
            "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update"} <= classes


class Part1Tests:
    def test_geojson_media_type_when_asked(self, client, db):
        """/req/geojson/content: items and an item asked for as application/geo+json come back
        labelled application/geo+json."""
        for path in (ITEMS, f"{ITEMS}/1"):
            response = client.get(path, HTTP_ACCEPT="application/geo+json")
            assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
            assert response.json()["type"] in ("FeatureCollection", "Feature")

    def test_number_matched_exact_when_cheap(self, client, db):
        """numberMatched is exact for a filtered query and for a small table, and consistent with
        numberReturned on the last page."""
        body = client.get(ITEMS, {"limit": 5}).json()
        assert body["numberMatched"] == KamuHizmeti.objects.count() and body["numberReturned"] == 5
        filtered = client.get(ITEMS, {"limit": 5, "filter": "hizmetTipi = 'egitim'"}).json()
        assert filtered["numberMatched"] == KamuHizmeti.objects.filter(hizmet_tipi="egitim").count()
        last = client.get(ITEMS, {"limit": 10, "offset": 75}).json()
        assert last["numberMatched"] == 75 + last["numberReturned"] == KamuHizmeti.objects.count()

    def test_number_matched_left_out_for_a_big_table(self, client, db, monkeypatch):
        """An unfiltered page of a big table carries no numberMatched (no COUNT(*) of it)."""
        monkeypatch.setattr(matched, "SMALL_TABLE", 10)
        body = client.get("/ogc/collections/bi-bina/items", {"limit": 5}).json()
        assert "numberMatched" not in body and body["numberReturned"] == 5
        bbox = client.get("/ogc/collections/bi-bina/items",
                          {"limit": 5, "bbox": "28.900,41.000,28.906,41.005"}).json()
        assert 5 < bbox["numberMatched"] < Bina.objects.count()

    def test_openapi_is_self_contained(self, client, db):
        """The OpenAPI document references no schema on the internet, and every $ref resolves
        inside the document."""
        text = client.get("/ogc/openapi", {"f": "json"}).content.decode()
        doc = json.loads(text)
        refs = set(re.findall(r'"\$ref":\s*"([^"]+)"', text))
        assert refs and all(ref.startswith("#/") for ref in refs)
        for ref in refs:
            node = doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        assert "schemas.opengis.net" not in text


class FilterTests:
    def test_filter_and_filter_lang(self, client, db):
        """/req/filter/filter-param, filter-lang-param: a CQL2 text filter (default language) and
        the same as cql2-json select the same features, those of the database."""
        want = expected(KamuHizmeti.objects.filter(hizmet_tipi="saglik"))
        assert ids(client, filter="hizmetTipi = 'saglik'") == want
        assert ids(client, filter="hizmetTipi = 'saglik'", **{"filter-lang": "cql2-text"}) == want
        as_json = json.dumps({"op": "=", "args": [{"property": "hizmetTipi"}, "saglik"]})
        assert ids(client, filter=as_json, **{"filter-lang": "cql2-json"}) == want

    @pytest.mark.parametrize("bad", ["hizmetTipi = ", "olusturan = 1", "adi = 'x' AND", "S_FOO(geometry)"])
    def test_invalid_filters_are_400(self, client, db, bad):
        """/req/filter/filter-param: an invalid filter or an unknown queryable is a 400."""
        assert client.get(ITEMS, {"filter": bad}).status_code == 400

    def test_unknown_filter_lang_is_400(self, client, db):
        assert client.get(ITEMS, {"filter": "adi = 'x'", "filter-lang": "sql"}).status_code == 400

    def test_basic_cql2(self, client, db):
        """basic-cql2: comparison, AND/OR/NOT and IS NULL."""
        qs = KamuHizmeti.objects
        assert ids(client, filter="tucbsNo < 10 AND NOT hizmetTipi = 'dini'") == \
            expected(qs.filter(tucbs_no__lt=10).exclude(hizmet_tipi="dini"))
        assert ids(client, filter="hizmetTipi = 'dini' OR hizmetTipi <> hizmetTipi") == \
            expected(qs.filter(hizmet_tipi="dini"))
        assert ids(client, filter="surumBitisZamani IS NULL") == expected(qs.filter(surum_bitis_zamani__isnull=True))

    def test_advanced_comparison_operators(self, client, db):
        """advanced-comparison-operators: LIKE, BETWEEN, IN."""
        qs = KamuHizmeti.objects
        assert ids(client, filter="adi LIKE 'Sümer%'") == expected(qs.filter(adi__startswith="Sümer"))
        assert ids(client, filter="tucbsNo BETWEEN 5 AND 9") == expected(qs.filter(tucbs_no__range=(5, 9)))
        assert ids(client, filter="hizmetTipi IN ('dini', 'saglik')") == \
            expected(qs.filter(hizmet_tipi__in=["dini", "saglik"]))

    def test_basic_spatial_functions(self, client, db):
        """basic-spatial-functions: S_INTERSECTS with a polygon (CRS84)."""
        from django.contrib.gis.geos import Polygon

        box = Polygon.from_bbox((28.88, 40.98, 28.91, 41.01))
        box.srid = 4326
        got = ids(client, filter="S_INTERSECTS(geometry, POLYGON((28.88 40.98, 28.91 40.98, "
                                 "28.91 41.01, 28.88 41.01, 28.88 40.98)))")
        assert got == expected(KamuHizmeti.objects.filter(geom__intersects=box)) and got


class UpdateTests:
    def test_patch_updates_with_if_match(self, client, editor_token, db):
        """Part 4 /req/update: PATCH merges the given properties into the feature (If-Match with
        the current ETag), other properties unchanged; stale ETag 412."""
        url = f"{ITEMS}/1"
        before = client.get(url).json()["properties"]
        etag = client.get(url, **editor_token.auth)["ETag"]
        patch = json.dumps({"type": "Feature", "properties": {"Iletisim_telefon": "0212 000 00 00"}})
        response = client.patch(url, patch, content_type="application/geo+json", HTTP_IF_MATCH=etag,
                                **editor_token.auth)
        assert response.status_code in (200, 204), response.content
        after = client.get(url).json()["properties"]
        changed = {k for k in after if after[k] != before.get(k)}
        assert after.get("adi") == before.get("adi")
        assert "Iletisim_telefon" in changed and changed <= {"Iletisim_telefon", "surumBaslangicZamani"}
        stale = client.patch(url, patch, content_type="application/geo+json", HTTP_IF_MATCH=etag,
                             **editor_token.auth)
        assert stale.status_code == 412
