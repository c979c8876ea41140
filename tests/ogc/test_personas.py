"""The OGC access gate per caller: anonymous, partners (with/without protocol, expired, revoked),
staff with and without a grant. Anything not visible is 404 on every route."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cbs.partners.models import Protokol
from cbs.partners.tokens import token_create, token_revoke
from cbs.testing import make_user
from layers.models import PublicationState
from layers.publication import publication_set
from layers.registry import get_layer
from tests.conftest import DECISION

ROUTES = ["/ogc/collections/{c}", "/ogc/collections/{c}/items", "/ogc/collections/{c}/items/1",
          "/ogc/collections/{c}/queryables", "/ogc/collections/{c}/schema"]


def make_protocol_only(name: str) -> None:
    publication_set(layer=get_layer(name), state=PublicationState.PROTOKOLLU,
                    decision_number=DECISION[0], decision_date=DECISION[1])


def listed(client, **headers) -> set[str]:
    response = client.get("/ogc/collections", **headers)
    assert response.status_code == 200
    return {c["id"] for c in response.json()["collections"]}


def in_openapi(client, collection: str, **headers) -> bool:
    return f"/collections/{collection}/" in client.get("/ogc/openapi?f=json", **headers).content.decode()


def statuses(client, collection: str, **headers) -> set[int]:
    return {client.get(r.format(c=collection), **headers).status_code for r in ROUTES}


@pytest.fixture
def bina_for_partners_only(db):
    make_protocol_only("bi-bina")


class AnonymousTests:
    def test_protocol_layer_hidden_everywhere(self, client, bina_for_partners_only):
        """A partners-only layer is absent for anonymous callers: listing, OpenAPI, every route 404."""
        assert "bi-bina" not in listed(client)
        assert not in_openapi(client, "bi-bina")
        assert statuses(client, "bi-bina") == {404}
        assert "id-mahalle" in listed(client)

    def test_draft_layer_hidden(self, client, db):
        """Withdrawing a layer to draft hides it at once."""
        publication_set(layer=get_layer("kh-hizmet"), state=PublicationState.TASLAK)
        assert statuses(client, "kh-hizmet") == {404}


class PartnerTests:
    def test_partner_with_protocol_sees_layer(self, client, partner, bina_for_partners_only):
        """A partner whose protocol names bi-bina sees it on every route."""
        auth = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        assert "bi-bina" in listed(client, **auth)
        assert in_openapi(client, "bi-bina", **auth)
        assert statuses(client, "bi-bina", **auth) == {200}

    def test_partner_pages_after_an_anonymous_visitors(self, client, partner, bina_for_partners_only):
        """pygeoapi kept one translated configuration per language for every page, the first
        caller's: the partner's collection page was a 500 once an anonymous visitor had come first."""
        from pygeoapi import l10n

        l10n._cfg_cache.clear()  # as in a fresh process: the anonymous visitor's page comes first
        auth = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        assert client.get("/ogc/collections/kh-hizmet", {"f": "html"}).status_code == 200
        for path in ("/ogc/collections/bi-bina", "/ogc/collections/bi-bina/items", "/ogc/collections/bi-bina/items/1"):
            response = client.get(path, {"f": "html"}, **auth)
            assert response.status_code == 200, path
            assert "Binalar" in response.content.decode()
        # and the anonymous visitor's pages still do not name the partner's collection
        assert "bi-bina" not in client.get("/ogc/collections", {"f": "html"}).content.decode()

    def test_x_api_key_header_works_too(self, client, partner, bina_for_partners_only):
        """The token is accepted in X-API-Key as well."""
        assert "bi-bina" in listed(client, HTTP_X_API_KEY=partner.value)

    def test_partner_without_protocol_for_layer(self, client, partner, db):
        """A partner sees a partners-only layer only if its protocol names it."""
        make_protocol_only("ad-numarataj")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        assert statuses(client, "ad-numarataj", **auth) == {404}

    def test_expired_protocol_stops_access(self, client, partner, bina_for_partners_only):
        """When the protocol has ended the layer disappears immediately."""
        Protokol.objects.filter(pk=partner.protokol.pk).update(
            valid_from=date(2020, 1, 1), valid_to=timezone.localdate() - timedelta(days=1))
        auth = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        assert statuses(client, "bi-bina", **auth) == {404}

    def test_revoked_token_refused(self, client, partner, db):
        """A revoked token gets 401 with a translated reason, on every route."""
        token_revoke(token=partner.token)
        response = client.get("/ogc/collections", HTTP_AUTHORIZATION=f"Bearer {partner.value}",
                              HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 401 and "iptal" in response.json()["description"]
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_unknown_and_expired_tokens_refused(self, client, partner, db):
        """Garbage or expired tokens are 401."""
        assert client.get("/ogc/", HTTP_AUTHORIZATION="Bearer kcbs_nonsense").status_code == 401
        _token, value = token_create(kurum=partner.kurum, name="old",
                                     expires_at=timezone.now() - timedelta(seconds=1))
        assert client.get("/ogc/", HTTP_X_API_KEY=value).status_code == 401

    def test_ip_allow_list(self, client, partner, db):
        """A token bound to a network is refused from elsewhere (403)."""
        _token, value = token_create(kurum=partner.kurum, name="ip", allowed_ips=["10.0.0.0/8"],
                                     expires_at=timezone.now() + timedelta(days=1))
        assert client.get("/ogc/", HTTP_X_API_KEY=value, REMOTE_ADDR="10.2.3.4").status_code == 200
        assert client.get("/ogc/", HTTP_X_API_KEY=value, REMOTE_ADDR="192.0.2.1").status_code == 403

    def test_rate_limit(self, client, partner, db):
        """Past its per-minute limit a token gets 429 with Retry-After."""
        _token, value = token_create(kurum=partner.kurum, name="slow", rate_limit_per_minute=3,
                                     expires_at=timezone.now() + timedelta(days=1))
        codes = [client.get("/ogc/conformance", HTTP_X_API_KEY=value).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        last = client.get("/ogc/conformance", HTTP_X_API_KEY=value)
        assert 0 < int(last["Retry-After"]) <= 60

    def test_token_is_stored_hashed(self, partner):
        """Only the SHA-256 of the token is stored."""
        assert partner.value not in (partner.token.digest, partner.token.prefix)
        assert len(partner.token.digest) == 64


class StaffTests:
    def test_staff_with_grant_sees_internal_parcels(self, client, db):
        """Staff with a view grant read even the internal parcel layer."""
        client.force_login(make_user(("layer:tk-parsel", "view")))
        assert "tk-parsel" in listed(client)
        assert client.get("/ogc/collections/tk-parsel/items?limit=5").status_code == 200

    def test_staff_without_grant(self, client, bina_for_partners_only):
        """Staff without grants see only what is public."""
        client.force_login(make_user())
        assert statuses(client, "tk-parsel") == {404}
        assert statuses(client, "bi-bina") == {404}


class PublicationRulesTests:
    def test_sensitive_layer_never_public(self, db):
        """Parcels (sensitive, internal) cannot be made public or shared."""
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            publication_set(layer=get_layer("tk-parsel"), state=PublicationState.HERKESE_ACIK,
                            decision_number="1", decision_date=date(2024, 1, 1))
        with pytest.raises(ValidationError):
            publication_set(layer=get_layer("tk-parsel"), state=PublicationState.PROTOKOLLU,
                            decision_number="1", decision_date=date(2024, 1, 1))

    def test_approval_needs_council_decision(self, db):
        """Leaving draft requires the council decision number and date."""
        from django.core.exceptions import ValidationError

        publication_set(layer=get_layer("ak-imar"), state=PublicationState.TASLAK)
        with pytest.raises(ValidationError):
            publication_set(layer=get_layer("ak-imar"), state=PublicationState.ONAYLI,
                            decision_number="", decision_date=None)
