"""A partner's key as HTTP Basic credentials (what QGIS's own authentication offers), and the
landing page with and without the trailing slash."""

import base64
from datetime import timedelta

from django.utils import timezone

from cbs.audit.models import AccessRecord
from cbs.partners.models import Kurum
from cbs.partners.tokens import token_create, token_revoke
from tests.ogc.test_personas import bina_for_partners_only, listed  # noqa: F401 (fixture)


def basic(key: str, user: str = "kurum") -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()}


class BasicAuthTests:
    def test_key_as_basic_password_sees_protocol_layer(self, client, partner, bina_for_partners_only):
        """Any user name with the key as password acts as the partner: its protocol layer is listed
        and readable, and the access log names the institution."""
        assert "bi-bina" in listed(client, **basic(partner.value))
        assert "bi-bina" in listed(client, **basic(partner.value, user="Test Kurumu – QGIS"))
        assert client.get("/ogc/collections/bi-bina/items", **basic(partner.value)).status_code == 200
        assert "bi-bina" not in listed(client)
        assert AccessRecord.objects.filter(institution="Test Kurumu").exists()

    def test_wrong_key_is_401_with_basic_challenge(self, client, partner, db):
        """A wrong, empty or unreadable Basic password is 401 and asks for Basic credentials, so
        QGIS prompts for the key again."""
        for auth in (basic("kcbs_wrong"), basic(""), {"HTTP_AUTHORIZATION": "Basic !!notbase64"},
                     {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"no-colon").decode()}):
            response = client.get("/ogc/collections", HTTP_ACCEPT_LANGUAGE="tr", **auth)
            assert response.status_code == 401
            assert response["WWW-Authenticate"].startswith('Basic realm="Kent CBS"')
            assert "Geçersiz" in response.json()["description"]

    def test_key_with_a_nul_is_401_not_500(self, client, partner, db):
        """A NUL in a key (a Basic password decodes from base64 to any character) is refused like
        a wrong key: PostgreSQL cannot even compare it (it was a 500)."""
        for auth in (basic("kcbs_\x00abc"), basic(partner.value + "\x00"),
                     {"HTTP_AUTHORIZATION": "Bearer kcbs_\x00x"}, {"HTTP_X_API_KEY": "kcbs_\x00x"}):
            for path in ("/ogc/collections", "/ows/wms?SERVICE=WMS&REQUEST=GetCapabilities"):
                assert client.get(path, **auth).status_code == 401, (path, auth)

    def test_bearer_challenge_offers_basic_too(self, client, partner, db):
        """A wrong Bearer token is still challenged with Bearer first, and Basic offered."""
        response = client.get("/ogc/", HTTP_AUTHORIZATION="Bearer kcbs_nonsense")
        assert response.status_code == 401
        challenge = response["WWW-Authenticate"]
        assert challenge.startswith("Bearer") and 'Basic realm="Kent CBS"' in challenge

    def test_revoked_key_refused_via_basic(self, client, partner, db):
        """Revocation holds for Basic as for headers."""
        token_revoke(token=partner.token)
        assert client.get("/ogc/", **basic(partner.value)).status_code == 401

    def test_ip_allow_list_and_rate_limit_via_basic(self, client, partner, db):
        """IP allow-lists (403) and rate limits (429 + Retry-After) apply to Basic as to headers."""
        _t, value = token_create(kurum=partner.kurum, name="ip", allowed_ips=["10.0.0.0/8"],
                                 expires_at=timezone.now() + timedelta(days=1))
        assert client.get("/ogc/", REMOTE_ADDR="10.2.3.4", **basic(value)).status_code == 200
        assert client.get("/ogc/", REMOTE_ADDR="192.0.2.1", **basic(value)).status_code == 403
        other = Kurum.objects.create(name="Yavaş Kurum")  # its own per-minute count
        _t, slow = token_create(kurum=other, name="slow", rate_limit_per_minute=2,
                                expires_at=timezone.now() + timedelta(days=1))
        codes = [client.get("/ogc/conformance", **basic(slow)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert 0 < int(client.get("/ogc/", **basic(slow))["Retry-After"]) <= 60

    def test_key_never_in_access_log(self, client, partner, bina_for_partners_only):
        """The key travels in a header: no access record's path contains it."""
        client.get("/ogc/collections/bi-bina/items", {"limit": 2}, **basic(partner.value))
        client.get("/ogc/collections", **basic("kcbs_wrong-key-value"))
        paths = list(AccessRecord.objects.values_list("path", flat=True))
        assert paths and not any(partner.value in p or "wrong-key" in p for p in paths)


class TrailingSlashTests:
    def test_landing_page_with_and_without_slash(self, client, db):
        """/ogc and /ogc/ both answer 200 with the same landing page (no redirect)."""
        without, with_slash = client.get("/ogc", {"f": "json"}), client.get("/ogc/", {"f": "json"})
        assert without.status_code == with_slash.status_code == 200
        assert without.json()["links"] == with_slash.json()["links"]
        hrefs = {link["rel"]: link["href"] for link in without.json()["links"]}
        assert hrefs["data"].endswith("/ogc/collections")
