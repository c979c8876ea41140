"""Bad requests get a clear, translated 4xx, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ITEMS = "/ogc/collections/bi-bina/items"

BAD = [
    (ITEMS, {"bbox": "1,2,3"}, 400, "bbox"),
    (ITEMS, {"bbox": "a,b,c,d"}, 400, "bbox"),
    (ITEMS, {"bbox": "nan,40,29,41"}, 400, "bbox"),
    (ITEMS, {"bbox": "29,41,28,40"}, 400, "bbox"),
    (ITEMS, {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/5254"}, 400, "bbox"),
    (ITEMS, {"bbox": "28.9,41,28.91,41.01", "bbox-crs": "EPSG:9999"}, 400, "bbox-crs"),
    (ITEMS, {"crs": "http://www.opengis.net/def/crs/EPSG/0/9999"}, 400, "crs"),
    (ITEMS, {"renk": "mavi"}, 400, "renk"),
    (ITEMS, {"sortby": "renk"}, 400, "renk"),
    (ITEMS, {"properties": "renk"}, 400, "renk"),
    (ITEMS, {"limit": "-1"}, 400, "limit"),
    (ITEMS, {"limit": "0"}, 400, "limit"),
    (ITEMS, {"limit": "abc"}, 400, "limit"),
    (ITEMS, {"limit": "1000000"}, 400, "limit"),
    (ITEMS, {"offset": "-5"}, 400, "offset"),
    (ITEMS, {"offset": "9223372036854775808"}, 400, "offset"),
    (ITEMS, {"zeminUstuKatSayisi": "beş"}, 400, "zeminUstuKatSayisi"),
    ("/ogc/collections/yok-boyle", {}, 404, ""),
    ("/ogc/collections/yok-boyle/items", {}, 404, ""),
    (ITEMS + "/99999999", {}, 404, ""),
    (ITEMS + "/abc", {}, 404, ""),
    ("/ogc/collections/bi-bina/items/1", {"crs": "EPSG:4326"}, 400, "crs"),
    # Python's isdigit() takes '²', int() does not: these were 500s.
    (ITEMS, {"crs": "http://www.opengis.net/def/crs/EPSG/0/²"}, 400, "crs"),
    (ITEMS, {"bbox": "28.9,41,28.91,41.01", "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/²"}, 400,
     "bbox-crs"),
    (ITEMS, {"adi": "a\x00b"}, 400, "NUL"),
]


@pytest.mark.parametrize(("path", "params", "status", "mentions"), BAD)
def test_bad_request_is_clear_4xx(client, db, path, params, status, mentions):
    """Each malformed request gets the right 4xx with a description naming the problem."""
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == status
    description = response.json()["description"]
    assert mentions in description


def test_messages_are_turkish(client, db):
    """Error descriptions are in Turkish for a Turkish client."""
    response = client.get(ITEMS, {"limit": "abc"}, HTTP_ACCEPT_LANGUAGE="tr")
    assert "tamsayı" in response.json()["description"]
    response = client.get("/ogc/collections/yok-boyle", HTTP_ACCEPT_LANGUAGE="tr")
    assert "bulunamadı" in response.json()["description"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bbox=st.text(alphabet="0123456789.,-eE+naif ", max_size=40),
       limit=st.one_of(st.none(), st.text(alphabet="0123456789-.e", max_size=8)))
def test_fuzzed_bbox_and_limit_never_500(client, db, bbox, limit):
    """Arbitrary bbox/limit strings never produce a server error."""
    params = {"bbox": bbox}
    if limit is not None:
        params["limit"] = limit
    assert client.get(ITEMS, params).status_code < 500


@pytest.mark.parametrize("if_match", ['"v²"', '"v99999999999999999999"', '"vabc"', '"v-1"'])
def test_malformed_if_match_is_412(client, editor_token, if_match):
    """An If-Match that is no version of ours is refused, whatever digits it holds."""
    from layers.models import KamuHizmeti

    feature = KamuHizmeti.objects.order_by("tucbs_no").first()
    response = client.patch(f"/ogc/collections/kh-hizmet/items/{feature.tucbs_no}",
                            '{"type": "Feature", "properties": {"adi": "X"}}', content_type="application/geo+json",
                            HTTP_IF_MATCH=if_match, **editor_token.auth)
    assert response.status_code == 412
    assert KamuHizmeti.objects.get(pk=feature.pk).adi == feature.adi
