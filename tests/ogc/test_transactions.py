"""OGC API – Features Part 4: writes by staff through the layer services."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.models import KamuHizmeti

ITEMS = "/ogc/collections/kh-hizmet/items"
FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28.905, 41.0]},
           "properties": {"adi": "Yeni Sağlık Ocağı", "hizmetTipi": "saglik"}}
TM = "http://www.opengis.net/def/crs/EPSG/0/5254"


def post(client, body, **headers):
    return client.post(ITEMS, json.dumps(body), content_type="application/geo+json", **headers)


def send(client, method, url, body=None, **headers):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/geo+json", **headers)


@pytest.fixture
def created(client, editor_token):
    response = post(client, FEATURE, **editor_token.auth)
    assert response.status_code == 201, response.content
    return response


class CreateTests:
    def test_create_returns_location_and_etag(self, client, editor_token, created):
        """POST answers 201 with Location and ETag; the feature is served and audited."""
        url = created["Location"].split("/ogc", 1)[1]
        feature = client.get("/ogc" + url).json()
        assert feature["properties"]["adi"] == "Yeni Sağlık Ocağı"
        assert created["ETag"] == '"v1"'
        record = AuditRecord.objects.filter(action="create", object_type="layer:kh-hizmet").latest("time")
        assert record.user == editor_token.user and record.request_id

    def test_content_crs_tm_zone_northing_first(self, client, editor_token):
        """Coordinates sent in EPSG:5254 (northing, easting) are stored at that place."""
        body = {**FEATURE, "geometry": {"type": "Point", "coordinates": [4541100.0, 407900.0]}}
        response = post(client, body, HTTP_CONTENT_CRS=f"<{TM}>", **editor_token.auth)
        assert response.status_code == 201
        stored = KamuHizmeti.objects.get(tucbs_no=response.json()["id"]).geom
        assert (round(stored.x, 3), round(stored.y, 3)) == (407900.0, 4541100.0)

    @pytest.mark.parametrize(("body", "mentions"), [
        ("not json", "JSON"),
        ({"type": "FeatureCollection"}, "Feature"),
        ({**FEATURE, "geometry": {"type": "LineString", "coordinates": [[28.9, 41.0], [28.91, 41.0]]}},
         "geometri tipi"),
        ({**FEATURE, "geometry": {"type": "Point", "coordinates": [32.85, 39.93]}}, "belediye"),
        ({**FEATURE, "properties": {**FEATURE["properties"], "renk": "mavi"}}, "renk"),
        ({**FEATURE, "properties": {"adi": "X", "hizmetTipi": "uzay"}}, "hizmet"),
    ])
    def test_bad_bodies_are_400_in_turkish(self, client, editor_token, body, mentions):
        """Bad input gets a 400 with a message that names the problem; nothing is stored."""
        before = KamuHizmeti.objects.count()
        data = body if isinstance(body, str) else json.dumps(body)
        response = client.post(ITEMS, data, content_type="application/geo+json",
                               HTTP_ACCEPT_LANGUAGE="tr", **editor_token.auth)
        assert response.status_code == 400
        assert mentions.lower() in json.dumps(response.json(), ensure_ascii=False).lower()
        assert KamuHizmeti.objects.count() == before

    def test_oversized_body_is_413(self, client, editor_token, settings):
        """A body over the limit is refused before parsing."""
        settings.CBS_MAX_BODY_BYTES = 100
        assert post(client, FEATURE, **editor_token.auth).status_code == 413


class LockingTests:
    def test_put_patch_delete_with_etag(self, client, editor_token, created):
        """PUT replaces, PATCH merges, DELETE removes, each with the current ETag."""
        url = "/ogc" + created["Location"].split("/ogc", 1)[1]
        assert client.get(url)["ETag"] == '"v1"'
        replaced = send(client, "put", url, {**FEATURE, "properties": {"adi": "Değişti", "hizmetTipi": "saglik"}},
                        HTTP_IF_MATCH='"v1"', **editor_token.auth)
        assert replaced.status_code == 200 and replaced["ETag"] == '"v2"'
        patched = send(client, "patch", url, {"type": "Feature", "properties": {"Iletisim_telefon": "0212 000 00 00"}},
                       HTTP_IF_MATCH='"v2"', **editor_token.auth)
        assert patched.status_code == 200
        feature = client.get(url).json()["properties"]
        assert (feature["adi"], feature["Iletisim_telefon"]) == ("Değişti", "0212 000 00 00")
        assert send(client, "delete", url, HTTP_IF_MATCH='"v3"', **editor_token.auth).status_code == 204
        assert client.get(url).status_code == 404

    def test_missing_if_match_is_428_and_stale_is_412(self, client, editor_token, created):
        """Without If-Match the write is refused (428); with an old ETag too (412, current ETag sent)."""
        url = "/ogc" + created["Location"].split("/ogc", 1)[1]
        patch = {"type": "Feature", "properties": {"adi": "X"}}
        assert send(client, "patch", url, patch, **editor_token.auth).status_code == 428
        assert send(client, "patch", url, patch, HTTP_IF_MATCH='"v1"', **editor_token.auth).status_code == 200
        stale = send(client, "patch", url, patch, HTTP_IF_MATCH='"v1"', **editor_token.auth)
        assert stale.status_code == 412 and stale["ETag"] == '"v2"'
        assert send(client, "patch", url, patch, HTTP_IF_MATCH="garbage", **editor_token.auth).status_code == 412


class WhoMayWriteTests:
    def test_anonymous_partner_and_viewer_cannot_write(self, client, partner, db):
        """Anonymous 401, partner token 403, staff without edit 403; nothing stored."""
        before = KamuHizmeti.objects.count()
        assert post(client, FEATURE).status_code == 401
        assert post(client, FEATURE, HTTP_AUTHORIZATION=f"Bearer {partner.value}").status_code == 403
        client.force_login(make_user(("layer:kh-hizmet", "view")))
        assert post(client, FEATURE).status_code == 403
        assert KamuHizmeti.objects.count() == before

    def test_session_write_needs_csrf_token_write_does_not(self, db, editor_token):
        """A browser session must send the CSRF token; an API token needs none."""
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(editor_token.user)
        assert post(browser, FEATURE).status_code == 403
        browser.get("/")  # sets the CSRF cookie
        token = browser.cookies["csrftoken"].value
        assert post(browser, FEATURE, HTTP_X_CSRFTOKEN=token).status_code == 201
        assert post(Client(enforce_csrf_checks=True), FEATURE, **editor_token.auth).status_code == 201

    def test_options_allow_depends_on_caller(self, client, editor_token, partner):
        """OPTIONS lists write methods only for callers who may write."""
        assert "POST" in client.options(ITEMS, **editor_token.auth)["Allow"]
        assert "POST" not in client.options(ITEMS, HTTP_AUTHORIZATION=f"Bearer {partner.value}")["Allow"]
        assert client.options(ITEMS)["Allow"] == "GET, HEAD, OPTIONS"


def test_race_exactly_one_wins(live_site, live_editor_token, db):
    """N concurrent PUTs carrying the same ETag: exactly one succeeds, the others get 412."""
    auth = {"Authorization": f"Bearer {live_editor_token}", "Content-Type": "application/geo+json"}
    created = requests.post(f"{live_site}{ITEMS}", json.dumps(FEATURE), headers=auth, timeout=30)
    assert created.status_code == 201, created.text
    url = f"{live_site}{ITEMS}/{created.json()['id']}"

    def put(i: int) -> int:
        body = {**FEATURE, "properties": {"adi": f"Yarış {i}", "hizmetTipi": "saglik"}}
        return requests.put(url, json.dumps(body), headers={**auth, "If-Match": '"v1"'}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(put, range(8)))
    assert sorted(codes) == [200] + [412] * 7
    assert requests.delete(url, headers={**auth, "If-Match": '"v2"'}, timeout=30).status_code == 204
