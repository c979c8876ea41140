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


class MapTests:
    def test_map_draws_layers_searches_and_shows_attributes(self, page, live_site, db):
        """The map lists the visible layers, draws tiles, finds a mahalle and shows a building's
        attributes as text, fetching nothing from other hosts."""
        tiles = []
        page.on("response", lambda r: "/tiles/WebMercatorQuad/" in r.url and tiles.append(r.status))
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        labels = page.locator("#layer-tree label").all_inner_texts()
        assert "Binalar" in labels and "Kadastro parselleri" not in labels  # parcels: internal
        page.fill("#search", "Beştelsiz")
        page.wait_for_selector("#search-results li")
        assert "Beştelsiz Mahallesi" in page.locator("#search-results li").all_inner_texts()
        # Zoom onto a known building and click its centre.
        centre = page.evaluate("""async () => {
            const r = await fetch('/ogc/collections/bi-bina/items/1').then(r => r.json());
            const ring = r.geometry.coordinates[0][0];
            const lon = (ring[0][0] + ring[2][0]) / 2, lat = (ring[0][1] + ring[2][1]) / 2;
            const c = ol.proj.fromLonLat([lon, lat]);
            window.kentMap.getView().setCenter(c);
            window.kentMap.getView().setZoom(18);
            return c;
        }""")
        page.wait_for_function("() => window.kentMap.getView().getZoom() === 18")
        page.wait_for_timeout(1500)  # let the tiles load and render
        pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(c)", centre)
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
        page.wait_for_selector("#feature-panel:not([hidden])")
        assert "Binalar #1" in page.locator("#feature-title").inner_text()
        assert "binaKimlikNo" in page.locator("#feature-attributes").inner_text()
        assert tiles and set(tiles) <= {200, 204}
        assert page.external_requests == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]
