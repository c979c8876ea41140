"""Pages in a real headless Chromium: rendered, translated, nothing fetched from other hosts."""

import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(locale="tr-TR")
    page = context.new_page()
    page.external_requests = []
    page.console_errors = []
    host = urlparse(live_site).netloc

    def on_request(request):
        if urlparse(request.url).netloc not in (host, ""):
            page.external_requests.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


class BrowserTests:
    def test_home_page_in_turkish_lists_layers(self, page, live_site, db):
        """The start page is Turkish and lists the layers with counts."""
        page.goto(live_site + "/")
        assert page.locator("h1").inner_text() == "Belediye CBS"
        assert page.locator("#layers tbody tr").count() == 8
        assert page.external_requests == []

    def test_ogc_items_html_map_uses_local_assets(self, page, live_site, db):
        """pygeoapi's HTML items page draws its Leaflet map from our own static files."""
        page.goto(live_site + "/ogc/collections/kh-hizmet/items?f=html&limit=20")
        page.wait_for_selector(".leaflet-container", timeout=15000)
        assert page.locator(".leaflet-interactive, .leaflet-marker-icon").count() > 0
        assert page.external_requests == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]

    def test_admin_map_widget_draws_feature(self, page, live_site, db, live_admin):
        """The admin change page of a service point shows the OpenLayers widget (local, CSP-clean)."""
        page.goto(live_site + "/admin/login/")
        page.fill("#id_username", live_admin[0])
        page.fill("#id_password", live_admin[1])
        page.click("input[type=submit]")
        page.goto(live_site + "/admin/layers/kamuhizmeti/")
        page.click("#result_list tbody tr th a")
        page.wait_for_selector(".dj_map canvas", timeout=15000)
        assert page.external_requests == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]
