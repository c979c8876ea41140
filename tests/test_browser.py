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
        """The start page is Turkish and lists the layers this caller may see, with counts:
        anonymous callers see the seven public ones, not the parcels or the cameras."""
        page.goto(live_site + "/")
        assert page.locator("h1").inner_text() == "Belediye CBS"
        assert page.locator("#layers tbody tr").count() == 7
        listed = page.locator("#layers tbody").inner_text()
        assert "Kadastro parselleri" not in listed and "kamera" not in listed.lower()
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
    def test_distance_is_measured_in_the_tm_zone(self, page, live_site, db):
        """A 1 km line (in EPSG:5254) measures 1.000 km, not the Web Mercator length (~1.3 km)."""
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        start, end = page.evaluate("""() => {
            const a = ol.proj.transform([407000, 4540000], 'EPSG:5254', 'EPSG:3857');
            const b = ol.proj.transform([408000, 4540000], 'EPSG:5254', 'EPSG:3857');
            window.kentMap.getView().fit([a[0] - 200, a[1] - 600, b[0] + 200, b[1] + 600]);
            return [a, b];
        }""")
        page.wait_for_timeout(300)
        page.click("#measure-line")
        box = page.locator("#map").bounding_box()
        for point in (start, end):
            pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(c)", point)
            page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
        pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(c)", end)
        page.mouse.dblclick(box["x"] + pixel[0], box["y"] + pixel[1])
        page.wait_for_function("() => /[0-9] k?m$/.test(document.getElementById('measure-result').textContent)")
        value, unit = page.locator("#measure-result").inner_text().split()
        metres = float(value) * (1000 if unit == "km" else 1)
        assert abs(metres - 1000) < 5, (value, unit)  # Web Mercator would say ~1320 m here

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
        page.wait_for_selector("#feature-panel-attributes tr")
        assert "Binalar #1" in page.locator("#feature-panel-subtitle").inner_text()
        assert "Bina kimlik no (MAKS)" in page.locator("#feature-panel-attributes").inner_text()
        assert tiles and set(tiles) <= {200, 204}
        assert page.external_requests == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]


# Records every CSP violation of the page (also those of inline handlers, which only the
# securitypolicyviolation event names reliably; console messages depend on the handler firing).
CSP_SPY = ("window.cbsCsp = [];document.addEventListener('securitypolicyviolation', e =>"
           " window.cbsCsp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));")


def _csp_violations(page) -> list[str]:
    return page.evaluate("window.cbsCsp") + [e for e in page.console_errors if "Content Security Policy" in e]


class OgcPageBrowserTests:
    def test_pygeoapi_pages_run_without_csp_violations(self, page, live_site, db):
        """Every pygeoapi HTML page we serve runs under the nonce CSP: no inline handler, no
        javascript: URL, no foreign script (the catalogue page had onclick/onchange: 3 violations)."""
        import requests

        page.add_init_script(CSP_SPY)
        item = requests.get(f"{live_site}/ogc/collections/kh-hizmet/items?f=json&limit=1", timeout=30).json()
        pages = ["/ogc/", "/ogc/conformance", "/ogc/openapi", "/ogc/openapi?ui=redoc", "/ogc/collections",
                 "/ogc/collections/kh-hizmet", "/ogc/collections/kh-hizmet/items",
                 f"/ogc/collections/kh-hizmet/items/{item['features'][0]['id']}",
                 "/ogc/collections/kh-hizmet/queryables", "/ogc/collections/kh-hizmet/schema",
                 "/ogc/collections/katalog", "/ogc/collections/katalog/queryables",
                 "/ogc/collections/katalog/items", "/ogc/collections/katalog/items?q=yok-böyle-bir-şey",
                 "/ogc/collections/katalog/items/bi-bina"]
        for path in pages:
            response = page.goto(f"{live_site}{path}{'&' if '?' in path else '?'}f=html")
            assert response.status == 200 and response.headers["content-type"].startswith("text/html"), path
            assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            if path == "/ogc/collections/katalog/items":  # the controls pygeoapi wired inline
                page.check("#spatial_filter_check")
                assert _csp_violations(page) == [], path
                with page.expect_navigation():
                    page.select_option("#limits", "100")
                assert "limit=100" in page.url
            assert _csp_violations(page) == [], path
        assert page.external_requests == []

    def test_catalogue_search_form_filters_the_records(self, page, live_site, db):
        """Type a word, press Enter or the button: fewer records, the right ones; the words stay in
        the box; metacharacters are text; the map's area and Clear work (before: Enter threw in
        pygeoapi's submitForm, the checkbox and buttons were inline handlers the CSP blocked)."""
        page.add_init_script(CSP_SPY)
        page.goto(f"{live_site}/ogc/collections/katalog/items?f=html")
        titles = page.locator("#records-table tbody tr td:first-child")
        everything = titles.all_inner_texts()
        assert len(everything) >= 6 and "Binalar" in everything
        assert page.locator("label[for=q]").inner_text() == "Aranan sözcükler"

        page.fill("#q", "bina")
        with page.expect_navigation():
            page.press("#q", "Enter")
        assert "q=bina" in page.url
        found = titles.all_inner_texts()
        assert "Binalar" in found and len(found) < len(everything)
        assert "Mahalleler" not in found
        assert page.input_value("#q") == "bina"

        page.fill("#q", "(x")
        with page.expect_navigation():
            page.click("#records-search button[type=submit]")
        assert page.locator("#records-none").is_visible() and titles.count() == 0

        page.fill("#q", "bina")
        page.check("#spatial_filter_check")
        with page.expect_navigation():
            page.click("#records-search button[type=submit]")
        assert "bbox=" in page.url and "q=bina" in page.url
        assert "Binalar" in titles.all_inner_texts()
        assert page.is_checked("#spatial_filter_check")

        page.fill("#datetime_begin", "2099-01-01")
        with page.expect_navigation():
            page.click("#records-search button[type=submit]")
        assert "datetime=2099-01-01" in page.url and titles.count() == 0

        with page.expect_navigation():
            page.click("#records-search a[role=button]")  # Temizle
        assert titles.all_inner_texts() == everything and page.input_value("#q") == ""
        assert _csp_violations(page) == []
        assert page.external_requests == []


def _login(page, live_site, credentials):
    page.goto(live_site + "/accounts/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.click("#login-form button")


def _open_editor(page, live_site, layer: str, lonlat, zoom=18, reload=True):
    if reload:
        page.goto(live_site + "/map/")
    page.wait_for_selector("#editor:not([hidden])")
    page.evaluate("([c, z]) => { window.kentMap.getView().setCenter(ol.proj.fromLonLat(c));"
                  " window.kentMap.getView().setZoom(z); }", [lonlat, zoom])
    page.wait_for_timeout(300)
    page.select_option("#edit-layer", layer)
    page.wait_for_selector('#editor[data-loading="0"]')


def _wait_for_map_idle(page):
    """Until the map has drawn every tile of the current view (OpenLayers' rendercomplete)."""
    page.evaluate("() => new Promise(done => { window.kentMap.once('rendercomplete', done);"
                  " window.kentMap.render(); })")


def _click_lonlat(page, lonlat):
    pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))", lonlat)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])


def _delete(live_site, token, tucbs_no, layer="kh-hizmet"):
    """Remove what a live test committed, so later tests see only the samples."""
    import requests

    url = f"{live_site}/ogc/collections/{layer}/items/{tucbs_no}"
    etag = requests.get(url, timeout=30).headers["ETag"]
    response = requests.delete(url, headers={"Authorization": f"Bearer {token}", "If-Match": etag},
                               timeout=30)
    assert response.status_code == 204


class EditorTests:
    def test_draw_fill_save_and_find_it(self, page, live_site, db, live_admin, live_editor_token):
        """An editor draws a service point, fills the generated form and finds it in the OGC API."""
        import uuid

        import requests

        name = f"Kütüphane {uuid.uuid4().hex[:6]}"
        _login(page, live_site, live_admin)
        _open_editor(page, live_site, "kh-hizmet", [28.905, 41.0])
        page.click("#edit-draw")
        _click_lonlat(page, [28.9052, 41.0003])
        page.wait_for_selector("#edit-form:not([hidden])")
        page.fill("#edit-adi", name)
        page.select_option("#edit-hizmetTipi", "kulturel")
        with page.expect_response(lambda r: r.request.method == "POST" and "/items" in r.url) as info:
            page.click("#edit-save")
        assert info.value.status == 201
        page.wait_for_function("() => document.getElementById('edit-message').textContent.includes('✓')")
        found = requests.get(f"{live_site}/ogc/collections/kh-hizmet/items", params={"adi": name}, timeout=30).json()
        assert len(found["features"]) == 1
        lon, lat = found["features"][0]["geometry"]["coordinates"]
        assert abs(lon - 28.9052) < 1e-5 and abs(lat - 41.0003) < 1e-5
        assert page.external_requests == []
        _delete(live_site, live_editor_token, found["features"][0]["id"])

    def test_editor_draws_building_snapped_to_parcel_edge_and_finds_it_after_reload(
            self, page, live_site, db, live_editor, live_editor_token):
        """The demo-role CBS editor draws a building whose first two corners are clicked a few
        pixels off a parcel's back edge: they are stored on that edge; after a reload the
        building is drawn from the tiles, clickable, and served by the OGC API."""
        import random

        import requests
        from django.contrib.gis.geos import Point

        from layers.models import Bina, Parsel

        parcel = Parsel.objects.get(tucbs_no=1)
        centre = Bina.objects.get(tucbs_no=1).geom.centroid
        ring = parcel.geom[0][0].coords
        # The parcel's back edge: the one farthest from its building (the yard behind it).
        (ax, ay), (bx, by) = max(zip(ring, ring[1:]), key=lambda e: Point(
            (e[0][0] + e[1][0]) / 2, (e[0][1] + e[1][1]) / 2).distance(centre))
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        ux, uy = (bx - ax) / length, (by - ay) / length
        nx, ny = (-uy, ux) if Point(ax - uy, ay + ux).within(parcel.geom) else (uy, -ux)  # inwards

        def lonlat(x, y):
            return list(Point(x, y, srid=parcel.geom.srid).transform(4326, clone=True).coords)

        a = (ax + 3 * ux, ay + 3 * uy)
        b = (ax + 9 * ux, ay + 9 * uy)
        corners = [a, b, (b[0] + 6 * nx, b[1] + 6 * ny), (a[0] + 6 * nx, a[1] + 6 * ny)]
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        page.check("#layer-tk-parsel")  # parcels are hidden by default; snapping uses visible layers
        _open_editor(page, live_site, "bi-bina", lonlat(*corners[0]), zoom=20, reload=False)
        page.wait_for_selector('#editor[data-loading="0"]')  # snapping data of the visible layers
        page.click("#edit-draw")
        _wait_for_map_idle(page)
        box = page.locator("#map").bounding_box()
        for index, corner in enumerate([*corners, corners[0]]):
            pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))",
                                  lonlat(*corner))
            # The two edge corners are clicked 3 px outside the parcel; snapping pulls them back.
            off = (-3 * nx, 3 * ny) if index in (0, 1, 4) else (0, 0)
            page.mouse.click(box["x"] + pixel[0] + off[0], box["y"] + pixel[1] + off[1])
        page.wait_for_selector("#edit-form:not([hidden])")
        kimlik = str(random.randint(90_000_000, 99_999_999))
        page.fill("#edit-binaKimlikNo", kimlik)
        page.fill("#edit-zeminUstuKatSayisi", "2")
        with page.expect_response(lambda r: r.request.method == "POST" and "/items" in r.url) as info:
            page.click("#edit-save")
        assert info.value.status == 201, info.value.text()
        created = info.value.json()["id"]
        try:
            stored = Bina.objects.get(tucbs_no=created).geom
            edge = parcel.geom.boundary
            on_edge = [c for c in stored[0][0].coords if Point(c, srid=stored.srid).distance(edge) < 0.01]
            assert len(on_edge) >= 3, on_edge  # two snapped corners (+ the closing repeat)
            # Reload: the building comes back from the tiles and its attributes open on a click.
            middle = lonlat(*stored.centroid.coords)
            page.reload()
            page.wait_for_selector("#layer-tree .layer-row")
            page.evaluate("c => { window.kentMap.getView().setCenter(ol.proj.fromLonLat(c));"
                          " window.kentMap.getView().setZoom(19); }", middle)
            _wait_for_map_idle(page)
            _click_lonlat(page, middle)
            page.wait_for_selector("#feature-panel-attributes tr")
            assert f"#{created}" in page.locator("#feature-panel-subtitle").inner_text()
            assert kimlik in page.locator("#feature-panel-attributes").inner_text()
            found = requests.get(f"{live_site}/ogc/collections/bi-bina/items",
                                 params={"binaKimlikNo": kimlik}, timeout=30).json()["features"]
            assert [f["id"] for f in found] == [created]
            assert page.external_requests == []
        finally:
            _delete(live_site, live_editor_token, created, layer="bi-bina")

    def test_self_intersecting_polygon_shows_error_and_saves_nothing(self, page, live_site, db, live_admin):
        """A bow-tie building is refused with GEOS's reason next to the geometry; nothing is stored."""
        _login(page, live_site, live_admin)
        _open_editor(page, live_site, "bi-bina", [28.9, 41.01])
        page.click("#edit-draw")
        for lonlat in ([28.8998, 41.0098], [28.9002, 41.0102], [28.9002, 41.0098], [28.8998, 41.0102]):
            _click_lonlat(page, lonlat)
        _click_lonlat(page, [28.8998, 41.0098])  # close the ring
        page.wait_for_selector("#edit-form:not([hidden])")
        page.fill("#edit-binaKimlikNo", "98765432")
        page.fill("#edit-zeminUstuKatSayisi", "3")
        with page.expect_response(lambda r: r.request.method == "POST" and "/items" in r.url) as info:
            page.click("#edit-save")
        assert info.value.status == 400
        page.wait_for_function("() => document.getElementById('edit-geom-error').textContent.length > 0")
        assert "Self-intersection" in page.locator("#edit-geom-error").inner_text()
        assert page.evaluate("() => window.kentProblems.getFeatures().length") == 1  # marked on the map

    def test_door_number_snaps_onto_building_corner(self, page, live_site, db, live_admin,
                                                     live_editor_token):
        """Drawing a door number a few pixels off a building corner snaps it exactly onto the
        corner; it is saved without a topology warning and then drawn from the tiles."""
        import random

        import requests

        ring = requests.get(f"{live_site}/ogc/collections/bi-bina/items/1", timeout=30).json()[
            "geometry"]["coordinates"][0][0]
        corner = ring[0]
        _login(page, live_site, live_admin)
        _open_editor(page, live_site, "ad-numarataj", corner, zoom=20)
        page.wait_for_selector('#editor[data-loading="0"]')  # snapping data of the visible layers
        page.click("#edit-draw")
        pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))", corner)
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + pixel[0] + 3, box["y"] + pixel[1] - 3)
        page.wait_for_selector("#edit-form:not([hidden])")
        number = f"{random.randint(500, 999)}K"  # the K makes it unique in the tile
        page.fill("#edit-kapiNumarasi", number)
        page.fill("#edit-uavtAdresNo", str(random.randint(1_900_000_000, 1_999_999_999)))
        page.fill("#edit-postaKodu", "34020")
        page.fill("#edit-yol", "1")
        page.fill("#edit-mahalle", "40838")
        with page.expect_response(lambda r: r.request.method == "POST" and "/items" in r.url) as info:
            page.click("#edit-save")
        assert info.value.status == 201, info.value.text()
        created = info.value.json()
        try:
            assert created["warnings"] == []  # it touches the building
            saved = requests.get(f"{live_site}/ogc/collections/ad-numarataj/items/{created['id']}",
                                 timeout=30).json()["geometry"]["coordinates"]
            assert abs(saved[0] - corner[0]) < 1e-7 and abs(saved[1] - corner[1]) < 1e-7
            # The new door is in the (refreshed) tile the map draws at that place.
            tile = page.evaluate("""c => {
                const p = ol.proj.fromLonLat(c);
                const grid = window.kentLayers['ad-numarataj'].getSource().getTileGrid();
                const t = grid.getTileCoordForCoordAndZ(p, 18);
                return [t[0], t[2], t[1]];
            }""", corner)
            data = requests.get(f"{live_site}/ogc/collections/ad-numarataj/tiles/WebMercatorQuad/"
                                f"{tile[0]}/{tile[1]}/{tile[2]}", timeout=30).content
            assert number.encode() in data
        finally:
            _delete(live_site, live_editor_token, created["id"], layer="ad-numarataj")

    def test_concurrent_edit_is_reported_with_both_versions(self, browser, live_site, db, live_admin,
                                                           live_editor_token):
        """Two sessions open the same feature; the second save is told and shown both versions."""
        import json

        import requests

        auth = {"Authorization": f"Bearer {live_editor_token}", "Content-Type": "application/geo+json"}
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28.9071, 41.0021]},
                "properties": {"adi": "Çakışma Testi", "hizmetTipi": "diger"}}
        created = requests.post(f"{live_site}/ogc/collections/kh-hizmet/items", json.dumps(body),
                                headers=auth, timeout=30)
        assert created.status_code == 201
        sessions = []
        for _ in range(2):
            context = browser.new_context(locale="tr-TR")
            page = context.new_page()
            _login(page, live_site, live_admin)
            _open_editor(page, live_site, "kh-hizmet", [28.9071, 41.0021], zoom=19)
            with page.expect_response(lambda r: "/items/" in r.url):
                _click_lonlat(page, [28.9071, 41.0021])
            page.wait_for_selector("#edit-form:not([hidden])")
            sessions.append((context, page))
        (_, first), (_, second) = sessions
        first.fill("#edit-adi", "İlk kaydeden")
        with first.expect_response(lambda r: r.request.method == "PATCH") as info:
            first.click("#edit-save")
        assert info.value.status == 200
        second.fill("#edit-adi", "İkinci kaydeden")
        with second.expect_response(lambda r: r.request.method == "PATCH") as info:
            second.click("#edit-save")
        assert info.value.status == 412
        second.wait_for_selector("#edit-conflict:not([hidden])")
        second.wait_for_function("() => document.getElementById('edit-conflict-rows').children.length > 0")
        table = second.locator("#edit-conflict-rows").inner_text()
        assert "İkinci kaydeden" in table and "İlk kaydeden" in table
        item = requests.get(f"{live_site}/ogc/collections/kh-hizmet/items/{created.json()['id']}", timeout=30)
        assert item.json()["properties"]["adi"] == "İlk kaydeden"  # nothing silently overwritten
        for context, _page in sessions:
            context.close()
        _delete(live_site, live_editor_token, created.json()["id"])


class AssetBrowserTests:
    def test_search_asset_page_map_and_outage(self, page, live_site, db, live_technician):
        """A technician searches a switch by name, opens its page (drawn on a map), shows it on the
        asset map and asks what fails with it – nothing fetched from other hosts."""
        from backoffice.assets.models import NetworkDevice

        core = NetworkDevice.objects.get(adi="ZB-CORE-SW")
        _login(page, live_site, live_technician)
        page.goto(live_site + "/assets/")
        page.fill("#asset-q", "core-sw")
        page.click("form[role=search] button")
        page.click("#asset-results a:has-text('ZB-CORE-SW')")
        page.wait_for_selector("#asset-title")
        assert "ZB-CORE-SW" in page.locator("#asset-title").inner_text()
        assert core.ip in page.locator("#asset-attributes").inner_text()
        page.wait_for_function("() => window.kentAssetMap && window.kentAssetMap.getView().getZoom() > 10")
        page.click("text=Varlık haritasında göster")
        page.wait_for_function("() => window.kentAssetMarks && window.kentAssetMarks.getFeatures().length === 1")
        page.go_back()
        page.click("#trace-link")
        page.wait_for_selector("#outage-per-mahalle tr")
        listed = page.locator("#asset-result li").count()
        assert listed > 50  # the core switch feeds the whole network
        assert page.evaluate("() => window.kentAssetMarks.getFeatures().length") == listed
        assert page.external_requests == []
        assert not [e for e in page.console_errors if "Content Security Policy" in e]

    def test_which_cameras_see_a_clicked_point(self, page, live_site, db, live_technician):
        """Clicking 40 m in front of a KGYS camera lists that camera."""
        import math

        from backoffice.assets.models import Camera

        camera = Camera.objects.filter(tur="kgys", durum="aktif").order_by("tucbs_no").first()
        x = camera.geom.x + 40 * math.sin(math.radians(camera.azimut))
        y = camera.geom.y + 40 * math.cos(math.radians(camera.azimut))
        from django.contrib.gis.geos import Point

        lonlat = list(Point(x, y, srid=camera.geom.srid).transform(4326, clone=True).coords)
        _login(page, live_site, live_technician)
        page.goto(live_site + "/assets/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        page.evaluate("c => { window.kentMap.getView().setCenter(ol.proj.fromLonLat(c));"
                      " window.kentMap.getView().setZoom(18); }", lonlat)
        _wait_for_map_idle(page)
        page.click("#tool-seeing")
        _click_lonlat(page, lonlat)
        page.wait_for_selector("#asset-result li")
        assert camera.adi in page.locator("#asset-result").inner_text()
        assert page.external_requests == []


class AssetMapClickTests:
    def test_clicking_a_device_traces_the_outage(self, page, live_site, db, live_technician):
        """Outage tool, then a click on a distribution switch on the map: its downstream list."""
        from backoffice.assets.models import NetworkDevice

        device = NetworkDevice.objects.get(adi="ZB-DAG-SW01")
        lonlat = list(device.geom.transform(4326, clone=True).coords)
        _login(page, live_site, live_technician)
        page.goto(live_site + "/assets/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        page.evaluate("c => { window.kentMap.getView().setCenter(ol.proj.fromLonLat(c));"
                      " window.kentMap.getView().setZoom(19); }", lonlat)
        _wait_for_map_idle(page)
        page.click("#tool-outage")
        _click_lonlat(page, lonlat)
        page.wait_for_selector("#outage-per-mahalle tr")
        assert "ZB-DAG-SW01" in page.locator("#asset-result").inner_text()


class HelpDeskBrowserTests:
    def test_camera_fault_from_the_map_to_resolution_and_mail(self, browser, live_site, db, live_helpdesk,
                                                              live_technician, mailoutbox):
        """Help desk clicks a camera on the map to open a ticket and assigns it; the technician
        finds it in "my work" and resolves it; the requester gets the mail."""
        import uuid

        from django.contrib.auth import get_user_model

        from backoffice.assets.models import Camera
        from backoffice.tickets.models import Category, Ticket

        camera = Camera.objects.filter(tur="binaGuvenlik").order_by("tucbs_no").first()
        lonlat = list(camera.geom.transform(4326, clone=True).coords)
        title = f"Kamera görüntü yok {uuid.uuid4().hex[:6]}"
        desk = browser.new_context(locale="tr-TR").new_page()
        _login(desk, live_site, live_helpdesk)
        desk.goto(live_site + "/tickets/new/")
        desk.evaluate("c => { window.kentPickMap.getView().setCenter(ol.proj.fromLonLat(c));"
                      " window.kentPickMap.getView().setZoom(18); }", lonlat)
        desk.evaluate("() => new Promise(done => { window.kentPickMap.once('rendercomplete', done);"
                      " window.kentPickMap.render(); })")
        pixel = desk.evaluate("c => window.kentPickMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))", lonlat)
        box = desk.locator("#pick-map").bounding_box()
        desk.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
        # Several cameras on one pole: the help desk picks this one from the list.
        desk.wait_for_function("() => document.getElementById('id_camera').value !== ''"
                               " || document.querySelector('#pick-map .kent-identify-list a')")
        if desk.input_value("#id_camera") == "":
            desk.click(f"#pick-map .kent-identify-list a[data-id='{camera.tucbs_no}']")
        desk.wait_for_function("() => document.getElementById('id_camera').value !== ''")
        desk.fill("#id_title", title)
        desk.fill("#id_description", "Bina güvenlik kamerasından görüntü gelmiyor.")
        # The category is a searchable grouped picker (Tom Select) over the form's own select.
        category = next(c for c in Category.objects.all() if str(c) == "Kamera / KGYS / Görüntü yok")
        desk.evaluate("pk => document.getElementById('id_category').tomselect.setValue(String(pk))", category.pk)
        desk.select_option("#id_priority", "2")
        desk.fill("#id_requester_name", "Ayşe Yılmaz")
        desk.fill("#id_requester_email", "ayse@example.org")
        desk.fill("#id_consent_note", "sözlü, telefonda")
        desk.click("#ticket-save")
        desk.wait_for_selector("#ticket-title")
        ticket = Ticket.objects.get(title=title)
        assert ticket.camera is not None and ticket.camera.geom.distance(camera.geom) < 10
        technician = get_user_model().objects.get(username=live_technician[0])
        desk.select_option("#assign-form select", str(technician.pk))
        desk.click("#assign-form button")
        desk.wait_for_selector("#ticket-assignee:has-text('live-technician')")

        field = browser.new_context(locale="tr-TR").new_page()
        _login(field, live_site, live_technician)
        field.goto(live_site + "/tickets/mine/")
        field.click(f"#my-work a:has-text('{ticket.number}')")
        for status, note in (("islemde", ""), ("cozuldu", "Kamera adaptörü değiştirildi.")):
            field.select_option("#id_status", status)
            field.fill("#transition-form textarea", note)
            field.click("#transition-form button")
            field.wait_for_selector("#ticket-title")
        assert "Çözüldü" in field.locator("#ticket-status").inner_text()
        # The request queued the mail; the worker sends it (a real one: tickets/test_mail_queue.py).
        from procrastinate.contrib.django.models import ProcrastinateJob

        from backoffice.tickets import notifications

        [job] = ProcrastinateJob.objects.filter(task_name="tickets.send_mail", args__ticket_id=ticket.pk,
                                                args__kind="resolved", status="todo")
        assert notifications.deliver(**job.args)
        assert any(m.to == ["ayse@example.org"] and ticket.number in m.subject for m in mailoutbox)
        assert Category.objects.get(pk=ticket.category_id).name == "Görüntü yok"

    def test_new_ticket_place_found_by_address_search(self, page, live_site, db, live_helpdesk):
        """Searching a neighbourhood on the new-ticket page marks its place and fills the address."""
        _login(page, live_site, live_helpdesk)
        page.goto(live_site + "/tickets/new/")
        page.fill("#pick-search", "Beştelsiz")
        page.click("#pick-search-results a:has-text('Beştelsiz')")
        assert page.input_value("#id_lon") and page.input_value("#id_lat")
        assert "Beştelsiz" in page.input_value("#id_address")
        assert page.external_requests == []


class ReportBrowserTests:
    def test_dashboard_and_thematic_maps_render_locally_without_errors(self, page, live_site, db, live_manager):
        """A manager views the dashboard (Chart.js) and the thematic maps (the shared map module in
        frames): every chart drawn, no console errors, nothing requested from another host."""
        _login(page, live_site, live_manager)
        page.goto(live_site + "/reports/")
        page.wait_for_function("() => window.kentCharts && Object.keys(window.kentCharts).length === 8")
        page.goto(live_site + "/reports/maps/")
        frame = page.frame_locator("#map-coverage")
        frame.locator("#thematic-map[data-features]").wait_for()
        assert int(frame.locator("#thematic-map").get_attribute("data-features")) >= 13  # one per mahalle
        assert frame.locator(".thematic-class").count() == 5
        assert frame.locator(".kent-basemaps input[data-basemap='kent']").is_checked()
        assert page.external_requests == []
        assert page.console_errors == []


class ImportBrowserTests:
    def test_editor_uploads_checks_previews_and_writes_in_the_background(self, page, live_site, db, live_editor,
                                                                         live_editor_token, tmp_path, queue_worker):
        """The CBS editor uploads a GeoJSON with one good and one bad feature: the check on the
        queue's worker shows progress, the preview map and the report; skipping the rejected one,
        the write creates exactly one feature with its history."""
        import json
        import uuid

        from django.db.models import Max

        from layers.history import feature_versions
        from layers.models import KamuHizmeti
        from layers.registry import get_layer

        last = KamuHizmeti.objects.aggregate(last=Max("tucbs_no"))["last"]
        # Mappings are remembered per set of source field names, and the live server commits them:
        # a field of this run's own keeps an earlier run's mapping from answering for this one.
        run = f"kaynak_{uuid.uuid4().hex[:8]}"
        queue_worker("imports")  # a real worker process: it sees what the live server committed
        path = tmp_path / "yeni-hizmetler.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"adi": "Tarayıcı Kütüphanesi", "hizmetTipi": "kulturel", run: 1},
             "geometry": {"type": "Point", "coordinates": [28.9051, 41.0052]}},
            {"type": "Feature", "properties": {"adi": "Hatalı", "hizmetTipi": "kutuphane", run: 2},
             "geometry": {"type": "Point", "coordinates": [28.9052, 41.0053]}}]}), encoding="utf-8")
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        page.click("#import-link")
        page.select_option("#layer", "kh-hizmet")
        page.set_input_files("#file", str(path))
        page.click("#upload-form button")
        page.wait_for_selector("#settings-form")
        assert page.input_value("select[name=map_adi]") == "adi"  # matched by name
        page.click("#check")
        page.wait_for_selector("#check-result", timeout=30000)
        assert page.locator("#accepted").inner_text() == "1" and page.locator("#rejected").inner_text() == "1"
        page.wait_for_selector("#preview-map[data-loaded='2']")
        report = page.request.get(live_site + page.get_attribute("#report-link", "href")).text()
        assert "kutuphane" in report and "hizmetTipi" in report
        assert page.is_disabled("#write")
        # Map the unknown code instead of skipping: the code-list form appeared after the check.
        page.select_option("select[name='code_hizmetTipi__kutuphane']", "kulturel")
        page.click("#check")
        page.wait_for_selector("#check-result #accepted:has-text('2')", timeout=30000)
        page.click("#write")
        page.wait_for_selector("#done", timeout=30000)
        created = list(KamuHizmeti.objects.filter(adi__in=["Tarayıcı Kütüphanesi", "Hatalı"], tucbs_no__gt=last))
        assert len(created) == 2 and {c.hizmet_tipi for c in created} == {"kulturel"}
        assert [r.operation for r in feature_versions(get_layer("kh-hizmet"), created[0].tucbs_no)] == ["import"]
        assert page.external_requests == [] and page.console_errors == []
        for feature in created:  # through the live server, so the removal is committed too
            _delete(live_site, live_editor_token, feature.tucbs_no)


def _shot(page, name: str) -> None:
    """A screenshot for review when CBS_SCREENSHOTS names a folder (1440×900 contexts)."""
    folder = os.environ.get("CBS_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


class HistoryBrowserTests:
    def test_delete_asks_first_and_the_feature_is_restored_from_its_history_page(
            self, browser, live_site, db, live_editor, live_editor_token):
        """The editor's delete opens the page's confirmation dialog (Esc says no, keyboard works);
        after the delete the history page says the feature was deleted and brings it back."""
        import json

        import requests

        auth = {"Authorization": f"Bearer {live_editor_token}", "Content-Type": "application/geo+json"}
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28.9081, 41.0031]},
                "properties": {"adi": "Geri Gelecek Hizmet", "hizmetTipi": "diger"}}
        created = requests.post(f"{live_site}/ogc/collections/kh-hizmet/items", json.dumps(body), headers=auth,
                                timeout=30)
        assert created.status_code == 201
        number = created.json()["id"]
        item = f"{live_site}/ogc/collections/kh-hizmet/items/{number}"
        context = browser.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        try:
            _login(page, live_site, live_editor)
            _open_editor(page, live_site, "kh-hizmet", [28.9081, 41.0031], zoom=19)
            with page.expect_response(lambda r: f"/items/{number}" in r.url):
                _click_lonlat(page, [28.9081, 41.0031])
            page.wait_for_selector("#edit-form:not([hidden])")
            page.click("#edit-delete")
            page.wait_for_selector("#confirm-delete[open]")
            assert page.locator("#confirm-delete-feature").inner_text() == f"#{number}"
            assert page.evaluate("document.activeElement.value") == "cancel"  # the safe answer has the focus
            assert "silinsin mi" in page.locator("#confirm-delete-title").inner_text()
            _shot(page, "editor-delete-dialog")
            page.keyboard.press("Escape")  # no
            page.wait_for_selector("#confirm-delete:not([open])", state="attached")
            assert requests.get(item, timeout=30).status_code == 200
            page.click("#edit-delete")
            page.wait_for_selector("#confirm-delete[open]")
            page.keyboard.press("Tab")  # to "Sil"
            assert page.evaluate("document.activeElement.id") == "confirm-delete-ok"
            with page.expect_response(lambda r: r.request.method == "DELETE") as info:
                page.keyboard.press("Enter")
            assert info.value.status == 204
            assert requests.get(item, timeout=30).status_code == 404
            page.goto(f"{live_site}/map/history/kh-hizmet/{number}/")
            page.wait_for_selector("#deleted")
            assert "silindi" in page.locator("#deleted").inner_text()
            page.wait_for_timeout(500)  # the small map draws the last geometry
            _shot(page, "history-deleted")
            page.click("#restore-deleted")
            page.wait_for_selector(".alert-success")
            assert not page.locator("#deleted").count()
            assert [t.strip() for t in page.locator("#versions tbody tr td:nth-child(3)").all_inner_texts()][-1] \
                .startswith("geri yüklendi → v3")
            _shot(page, "history-restored")
            restored = requests.get(item, timeout=30)
            assert restored.status_code == 200 and restored.json()["properties"]["adi"] == "Geri Gelecek Hizmet"
            assert errors == []
        finally:
            context.close()
            if requests.get(item, timeout=30).status_code == 200:
                _delete(live_site, live_editor_token, number)

    def test_an_import_is_reverted_from_its_page_after_confirmation(self, browser, live_site, db, live_editor,
                                                                     tmp_path, queue_worker):
        """Upload, check and write a one-feature import, then revert it from its page: the dialog
        asks first, the feature is gone afterwards and the page says the import was reverted."""
        import json
        import uuid

        from layers.models import KamuHizmeti

        run = f"geri_{uuid.uuid4().hex[:8]}"
        name = f"Geri Alınacak {run[-4:]}"
        path = tmp_path / "geri-alinacak.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"adi": name, "hizmetTipi": "kulturel", run: 1},
             "geometry": {"type": "Point", "coordinates": [28.9061, 41.0041]}}]}), encoding="utf-8")
        queue_worker("imports")  # the check and the write run on a real worker process
        context = browser.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        try:
            _login(page, live_site, live_editor)
            page.goto(live_site + "/map/import/")
            page.select_option("#layer", "kh-hizmet")
            page.set_input_files("#file", str(path))
            page.click("#upload-form button")
            page.wait_for_selector("#settings-form")
            page.click("#check")
            page.wait_for_selector("#check-result", timeout=30000)
            page.click("#write")
            page.wait_for_selector("#done", timeout=30000)
            assert KamuHizmeti.objects.filter(adi=name).count() == 1
            _shot(page, "import-done-revert-button")
            page.click("#revert")
            page.wait_for_selector("#confirm-revert[open]")
            _shot(page, "import-revert-dialog")
            page.click("#confirm-revert-ok")
            page.wait_for_selector("#reverted")
            _shot(page, "import-reverted")
            assert KamuHizmeti.objects.filter(adi=name).count() == 0
            assert "geri alındı" in page.locator("#reverted").inner_text()
        finally:
            context.close()
