"""The partner's browser: the key page (POST + CSRF, session-bound, expires, audited, leave),
the pygeoapi pages without "None" or placeholders, Turkish link titles and an offline base map."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cbs.audit.models import AccessRecord, AuditRecord
from cbs.partners.browser import SESSION_KEY
from cbs.partners.tokens import token_create, token_revoke
from tests.clients.test_partner_clients import numarataj_for_partners  # noqa: F401 (fixture)
from tests.ogc.test_personas import bina_for_partners_only  # noqa: F401 (fixture)

KEY_PAGE = "/ogc/key/"


def visible(client) -> set[str]:
    return {c["id"] for c in client.get("/ogc/collections", {"f": "json"}).json()["collections"]}


@pytest.fixture
def browser_client(db):
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="tr")


def enter_key(client, key: str):
    page = client.get(KEY_PAGE)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(KEY_PAGE, {"key": key, "csrfmiddlewaretoken": csrf})


class KeyPageTests:
    def test_key_opens_protocol_layers_in_this_session(self, browser_client, partner, bina_for_partners_only):
        """The right key, entered once, shows the partner's protocol layer on the OGC pages of that
        browser session; the page names the institution; the session start is audited and the
        requests are logged under the institution."""
        assert "bi-bina" not in visible(browser_client)
        response = enter_key(browser_client, partner.value)
        assert response.status_code == 302
        page = browser_client.get(KEY_PAGE).content.decode()
        assert "Test Kurumu" in page and "/ogc/collections/bi-bina" in page and partner.value not in page
        assert "bi-bina" in visible(browser_client)
        assert browser_client.get("/ogc/collections/bi-bina/items", {"f": "html"}).status_code == 200
        assert AuditRecord.objects.filter(action="partner_session_start", object_id=str(partner.token.pk)).exists()
        assert AccessRecord.objects.filter(institution="Test Kurumu", path__startswith="/ogc/collections").exists()
        assert partner.value not in str(dict(browser_client.session))  # the key is not kept
        assert "bi-bina" not in visible(Client())  # another browser: nothing

    def test_post_needs_csrf(self, browser_client, partner, db):
        """The form is a POST with a CSRF token; without it: 403, no session."""
        response = browser_client.post(KEY_PAGE, {"key": partner.value})
        assert response.status_code == 403
        assert SESSION_KEY not in browser_client.session

    def test_wrong_key_is_400_with_turkish_reason(self, browser_client, partner, db):
        response = enter_key(browser_client, "kcbs_not-a-key")
        assert response.status_code == 400 and "Geçersiz" in response.content.decode()
        assert SESSION_KEY not in browser_client.session

    def test_staff_token_refused(self, browser_client, editor_token):
        """A staff member's API token is not a partner key: staff log in."""
        response = enter_key(browser_client, editor_token.value)
        assert response.status_code == 400 and SESSION_KEY not in browser_client.session

    def test_expiry_revocation_and_leaving(self, browser_client, partner, bina_for_partners_only):
        """The session key expires, dies with the token's revocation, and leaving clears it
        (audited)."""
        enter_key(browser_client, partner.value)
        session = browser_client.session
        session[SESSION_KEY] = {**session[SESSION_KEY], "expires": time.time() - 1}
        session.save()
        assert "bi-bina" not in visible(browser_client)

        enter_key(browser_client, partner.value)
        assert "bi-bina" in visible(browser_client)
        token_revoke(token=partner.token)
        assert "bi-bina" not in visible(browser_client)

        _t, value = token_create(kurum=partner.kurum, name="again",
                                 expires_at=timezone.now() + timedelta(days=1))
        enter_key(browser_client, value)
        assert "bi-bina" in visible(browser_client)
        page = browser_client.get(KEY_PAGE).content.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert browser_client.post("/ogc/key/leave", {"csrfmiddlewaretoken": csrf}).status_code == 302
        assert "bi-bina" not in visible(browser_client)
        assert AuditRecord.objects.filter(action="partner_session_end").exists()

    def test_session_key_expires_with_the_token(self, browser_client, partner, db):
        """A key that expires sooner than the session limit ends the session with it."""
        _t, value = token_create(kurum=partner.kurum, name="short",
                                 expires_at=timezone.now() + timedelta(minutes=5))
        enter_key(browser_client, value)
        assert browser_client.session[SESSION_KEY]["expires"] <= time.time() + 301


class PygeoapiPageTests:
    @pytest.mark.parametrize("path", ["/ogc/", "/ogc/collections", "/ogc/collections/kh-hizmet",
                                      "/ogc/collections/kh-hizmet/items", "/ogc/collections/kh-hizmet/items/1",
                                      "/ogc/collections/bi-bina/items"])
    def test_no_none_or_placeholders(self, client, db, path):
        """No "None" and no "_(not specified)" on the pages (empty values are empty)."""
        text = client.get(path, {"f": "html"}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
        visible_text = re.sub(r"<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
        assert not re.search(r"\bNone\b", visible_text), path
        assert "_(" not in visible_text and "not specified" not in visible_text

    def test_link_titles_in_turkish(self, client, db):
        """Link titles of the JSON documents follow the language: Turkish by default."""
        links = client.get("/ogc/collections/kh-hizmet", {"f": "json"}, HTTP_ACCEPT_LANGUAGE="tr").json()["links"]
        titles = {link["title"] for link in links}
        assert "Bu belge (JSON)" in titles and "Nesneler (GeoJSON)" in titles
        assert not any(t.startswith(("This document", "Items as")) for t in titles)
        page = client.get("/ogc/collections/kh-hizmet/items/1", {"f": "html"}, HTTP_ACCEPT_LANGUAGE="tr")
        assert ">Bu belge (JSON)<" in page.content.decode() and ">This document as JSON<" not in page.content.decode()
        english = client.get("/ogc/collections/kh-hizmet", {"f": "json", "lang": "en"}).json()["links"]
        assert "This document as JSON" in {link["title"] for link in english}

    def test_base_map_is_our_own(self, client, db):
        """The pages' base map is served here (our layers drawn by the WMS engine), a PNG."""
        page = client.get("/ogc/collections/kh-hizmet/items", {"f": "html"}).content.decode()
        assert "/ows/basemap/{z}/{x}/{y}.png" in page
        tile = client.get("/ows/basemap/14/9507/6142.png")
        assert tile.status_code == 200 and tile["Content-Type"] == "image/png" and len(tile.content) > 2000
        assert client.get("/ows/basemap/3/9/9.png").status_code == 404


@pytest.mark.browser
def test_partner_browses_protocol_layer_in_chromium(live_site, live_partner, numarataj_for_partners,
                                                    db, tmp_path):
    """In Chromium: the partner enters the key, sees its protocol layers, opens the items page:
    features over the base map's tiles, nothing fetched from other hosts."""
    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    host = urlparse(live_site).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-background-networking"])
        page = browser.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900}).new_page()
        requests_seen = []
        page.on("request", lambda r: requests_seen.append(r.url))
        page.goto(f"{live_site}/ogc/key/")
        page.fill("input[name=key]", live_partner)
        with page.expect_navigation():
            page.click("#key-submit")
        assert "Canlı Test Kurumu" in page.inner_text("#partner-session")
        with page.expect_navigation():
            page.click("#protocol-layers a:has-text('Numarataj')")
        assert page.url.endswith("/ogc/collections/ad-numarataj?f=html")
        page.goto(f"{live_site}/ogc/collections/ad-numarataj/items?f=html")
        page.wait_for_selector(".leaflet-marker-icon, .leaflet-interactive", timeout=30000)
        page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile')].some(t => t.complete && t.naturalWidth > 0)",
                               timeout=30000)
        page.screenshot(path=str(tmp_path / "items.png"))
        assert any("/ows/basemap/" in url for url in requests_seen)
        assert all(urlparse(url).netloc in (host, "") for url in requests_seen if url.startswith("http"))
        browser.close()


def test_hidden_collection_page_points_to_the_key_page(client, bina_for_partners_only):
    """A browser asking for a protocol layer's page gets a Turkish 404 page with a way to enter
    the key, not raw JSON; programs still get the JSON exception."""
    page = client.get("/ogc/collections/bi-bina/items", {"f": "html"}, HTTP_ACCEPT_LANGUAGE="tr")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "/ogc/key/" in page.content.decode() and "Kurum anahtarınızı girin" in page.content.decode()
    api = client.get("/ogc/collections/bi-bina/items", {"f": "json"})
    assert api.status_code == 404 and api.json()["code"] == "NotFound"
