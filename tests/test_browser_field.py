"""The offline field app (/saha/) on a phone in a real Chromium: prepare an area, go offline,
collect, reload offline (the shell from the service worker, the queue from IndexedDB), come back,
sync through the layer services, resolve a conflict, replay without duplicates."""

import io
import json
import os

import pytest
import requests
from PIL import Image

from tests.test_browser import _delete, _login, browser  # noqa: F401  (browser: a fixture)

pytestmark = pytest.mark.browser

LAYER = "kh-hizmet"
AREA = [28.9040, 41.0000, 28.9100, 41.0040]  # ~0.5 × 0.45 km around the test features
CENTER, ZOOM = [28.9070, 41.0020], 17
A_AT, B_AT = [28.9064, 41.0016], [28.9076, 41.0024]
TAPS = [[28.9062, 41.0028], [28.9080, 41.0012]]
GPS = {"longitude": 28.9071, "latitude": 41.0033, "accuracy": 6}


def _shot(page, name: str) -> None:
    folder = os.environ.get("CBS_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


@pytest.fixture
def phone(browser, live_site):  # noqa: F811
    context = browser.new_context(locale="tr-TR", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, geolocation=GPS, permissions=["geolocation"])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.errors.append(m.text))
    yield context, page
    context.close()


def _api(live_site, token):
    headers = {"Authorization": f"Bearer {token}"}

    def item(number):
        response = requests.get(f"{live_site}/ogc/collections/{LAYER}/items/{number}", timeout=30)
        return response.json(), response.headers["ETag"]

    def create(name, lonlat):
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": lonlat},
                "properties": {"adi": name, "hizmetTipi": "diger", "Iletisim_adres": "İlk adres"}}
        response = requests.post(f"{live_site}/ogc/collections/{LAYER}/items", json.dumps(body),
                                 headers={**headers, "Content-Type": "application/geo+json"}, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def patch(number, properties):
        _body, etag = item(number)
        response = requests.patch(f"{live_site}/ogc/collections/{LAYER}/items/{number}",
                                  json.dumps({"type": "Feature", "properties": properties}),
                                  headers={**headers, "If-Match": etag, "Content-Type": "application/geo+json"},
                                  timeout=30)
        assert response.status_code == 200, response.text
    return item, create, patch


def _pixel(page, lonlat):
    pixel = page.evaluate("c => window.kentField.map.getPixelFromCoordinate(ol.proj.fromLonLat(c))", lonlat)
    box = page.locator("#field-map").bounding_box()
    return box["x"] + pixel[0], box["y"] + pixel[1]


def _center(page):
    page.evaluate("([c, z]) => { const v = window.kentField.map.getView(); v.setCenter(ol.proj.fromLonLat(c));"
                  " v.setZoom(z); }", [CENTER, ZOOM])
    page.wait_for_timeout(400)


def _fill_new_point(page, name, photo=None):
    page.wait_for_selector("#sheet-form:not([hidden])")
    page.fill("#f-adi", name)
    page.select_option("#f-hizmetTipi", "diger")
    if photo:
        page.set_input_files("#form-photo", {"name": "foto.png", "mimeType": "image/png", "buffer": photo})
        page.wait_for_selector("#form-photos img")
    _save(page)


def _save(page):
    page.click("#form-save")
    try:
        page.wait_for_selector("#sheet-form", state="hidden", timeout=10_000)
    except Exception:
        _shot(page, "failed-form")
        raise AssertionError(page.inner_text("#form-error") + " | " + " ".join(page.errors)) from None


def _edit(page, lonlat, values):
    _center(page)
    page.mouse.click(*_pixel(page, lonlat))
    page.wait_for_selector("#sheet-form:not([hidden])")
    for field, value in values.items():
        page.fill(f"#f-{field}", value)
    _save(page)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "#3a7").save(out, "PNG")
    return out.getvalue()


class FieldOfflineTests:
    def test_collect_offline_reload_sync_resolve_and_replay(self, phone, live_site, db, live_editor,
                                                            live_editor_token):
        """Three points and two attribute edits made offline survive a reload (shell from the
        service worker, queue in IndexedDB); online, sync writes three features and one version
        with audit records; the edit of a feature changed on the server meanwhile opens the
        conflict screen, and a per-field merge writes exactly one version; a replay writes nothing."""
        from cbs.audit.models import AuditRecord
        from field.models import FieldChange, FieldPhoto
        from layers.models import KamuHizmeti
        from layers.registry import get_layer

        context, page = phone
        item, create, patch = _api(live_site, live_editor_token)
        a, b = create("Saha testi A", A_AT), create("Saha testi B", B_AT)
        names = ["Saha yeni 1", "Saha yeni 2", "Saha GPS noktası"]
        try:
            _login(page, live_site, live_editor)
            page.goto(live_site + "/saha/")
            page.wait_for_selector("body[data-ready='1']")
            page.evaluate("navigator.serviceWorker.ready")
            assert page.locator("#sheet-area").is_visible()  # a first start asks for an area
            _shot(page, "field-1-first-start")

            # Prepare: draw the rectangle on the map, collect only the service points.
            page.evaluate("bbox => window.kentField.map.getView().fit(ol.proj.transformExtent(bbox, "
                          "'EPSG:4326', 'EPSG:3857'), {padding: [40, 40, 40, 40]})", AREA)
            page.click("#area-draw")
            page.wait_for_selector("#sheet-area", state="hidden")
            page.mouse.click(*_pixel(page, [AREA[0], AREA[3]]))
            page.mouse.move(*_pixel(page, [AREA[2], AREA[1]]))
            page.mouse.click(*_pixel(page, [AREA[2], AREA[1]]))
            page.wait_for_selector("#sheet-area:not([hidden])")
            assert "km²" in page.inner_text("#area-size")
            for box in page.locator("#area-layers input").all():
                box.set_checked(box.get_attribute("value") == LAYER)
            _shot(page, "field-2-area-drawn")
            page.click("#area-prepare")
            page.wait_for_selector("body[data-prepared='1']", timeout=240_000)
            assert "Çevrimdışı hazır" in page.inner_text("#area-result")
            _shot(page, "field-3-area-stored")
            stored = page.evaluate("KentField.store.all('features')")
            assert {a, b} <= {f["id"] for f in stored}
            page.click("#sheet-area .sheet-close")

            # Someone edits B on the server after the device read it.
            patch(b, {"adi": "Sunucuda değişen B"})
            b_server_version = int(item(b)[1].strip('"v'))

            context.set_offline(True)
            page.wait_for_selector("#net-status[data-online='0']")
            _center(page)
            for number, lonlat in enumerate(TAPS):
                page.click("#btn-add")
                page.select_option("#add-layer", LAYER)
                page.click("#add-tap")
                page.mouse.click(*_pixel(page, lonlat))
                _fill_new_point(page, names[number], photo=_png() if number == 0 else None)
            page.click("#btn-add")
            page.click("#add-gps")
            page.wait_for_selector("#form-where:has-text('GPS ±6 m')")
            _fill_new_point(page, names[2])
            _edit(page, A_AT, {"Iletisim_adres": "Sahada düzeltilen adres"})
            _edit(page, B_AT, {"adi": "Sahada değişen B", "Iletisim_adres": "Sahadan B adresi"})
            # The count is redrawn after the last save's transaction commits: wait for it (a change
            # really missing still fails here, after 10 s).
            page.wait_for_function("() => document.getElementById('queue-count').textContent === '5'", timeout=10_000)
            _shot(page, "field-4-collected-offline")

            # Reload without a connection: the page comes from the service worker, the queue stays.
            response = page.reload()
            assert response.from_service_worker
            page.wait_for_selector("body[data-ready='1']")
            assert page.inner_text("#queue-count") == "5"
            assert page.inner_text("#net-status") == "Çevrimdışı"
            tile = page.evaluate("caches.open('kentcbs-field-tiles').then(c => c.keys())"
                                 ".then(keys => fetch(keys[keys.length - 1].url)).then(r => r.status)")
            assert tile in (200, 204)  # the base map, offline
            queue = page.evaluate("KentField.store.all('queue')")
            assert sorted(c["operation"] for c in queue) == ["create"] * 3 + ["update"] * 2
            page.click("#btn-queue")
            page.wait_for_selector("#queue-list li[data-status='pending']")
            _shot(page, "field-5-queue-after-offline-reload")
            page.click("#sheet-queue .sheet-close")
            assert not KamuHizmeti.objects.filter(adi__in=names).exists()  # nothing left the device

            # Back online: sync.
            context.set_offline(False)
            page.wait_for_selector("#net-status[data-online='1']")
            page.click("#btn-sync")
            page.wait_for_selector("#sheet-conflict:not([hidden])", timeout=60_000)
            _shot(page, "field-6-conflict")
            created = {f.adi: f for f in KamuHizmeti.objects.filter(adi__in=names)}
            assert sorted(created) == sorted(names)
            for feature in created.values():
                assert feature.version == 1
                assert AuditRecord.objects.filter(object_type=f"layer:{LAYER}", object_id=str(feature.tucbs_no),
                                                  action="create").count() == 1
            a_row = KamuHizmeti.objects.get(tucbs_no=a)
            assert (a_row.version, a_row.iletisim_adres) == (2, "Sahada düzeltilen adres")
            assert AuditRecord.objects.filter(object_type=f"layer:{LAYER}", object_id=str(a),
                                              action="update").count() == 1
            photo = FieldPhoto.objects.get(tucbs_no=created[names[0]].tucbs_no)
            assert photo.content_type == "image/jpeg" and photo.size < 400_000  # resized on the phone
            assert FieldChange.objects.filter(id__in=[c["id"] for c in queue]).count() == 4

            # The conflict: yours and the server's side by side; merge per field.
            rows = page.locator("#conflict-table tbody tr")
            assert rows.count() == 2
            adi = page.locator("#conflict-table tr[data-field='adi']").inner_text()
            assert "Sahada değişen B" in adi and "Sunucuda değişen B" in adi
            # Only the name was changed on both sides: that row is marked, the address is not.
            assert page.locator("#conflict-table tr.differs").get_attribute("data-field") == "adi"
            assert page.locator("#conflict-table tr.differs").count() == 1
            history = get_layer(LAYER).history.objects.filter(tucbs_no=b)
            versions_before = history.count()
            page.check("#conflict-table tr[data-field='adi'] input[value='theirs']")
            page.click("#conflict-merge")
            page.wait_for_selector("#sheet-conflict", state="hidden")
            page.wait_for_selector("#field-message:has-text('Çözüldü')")
            b_row = KamuHizmeti.objects.get(tucbs_no=b)
            assert (b_row.version, b_row.adi, b_row.iletisim_adres) == (
                b_server_version + 1, "Sunucuda değişen B", "Sahadan B adresi")
            assert history.count() == versions_before + 1
            assert page.inner_text("#queue-count") == "0"
            _shot(page, "field-7-resolved")

            # Replays: the same change id again, and a second sync, write nothing.
            replayed = page.evaluate("""async (change) => {
                const config = await (await fetch('/saha/api/config')).json();
                const r = await fetch('/saha/api/changes', {method: 'POST', body: JSON.stringify(change),
                  headers: {'Content-Type': 'application/json', 'X-CSRFToken': config.csrf}});
                return [r.status, await r.json()]; }""", next(c for c in queue if c["operation"] == "create"))
            assert replayed[0] == 200 and replayed[1]["replayed"] is True
            page.click("#btn-sync")
            page.wait_for_selector("#field-message:has-text('Gönderildi: 0')")
            assert KamuHizmeti.objects.filter(adi__in=names).count() == 3
            assert KamuHizmeti.objects.get(tucbs_no=b).version == b_server_version + 1
            assert page.errors == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            for name in names:
                for feature in KamuHizmeti.objects.filter(adi=name):
                    _delete(live_site, live_editor_token, feature.tucbs_no)
            for number in (a, b):
                _delete(live_site, live_editor_token, number)


def _field_database(page) -> bool:
    return page.evaluate("async () => (await indexedDB.databases()).some(d => d.name === 'kentcbs-field')")


class SharedPhoneTests:
    def test_logout_wipes_the_device_but_asks_while_changes_wait(self, phone, live_site, db, live_editor):
        """Logging out deletes the field app's database and tile cache; while changes wait to be
        sent it first says how many, and Cancel keeps them (and the session)."""
        context, page = phone
        _login(page, live_site, live_editor)
        page.goto(live_site + "/saha/")
        page.wait_for_selector("body[data-ready='1']")
        assert page.evaluate("KentField.store.get('meta', 'owner')") == live_editor[0]
        page.evaluate("""async () => {
            await KentField.store.put('queue', {id: 'c1', layer: 'kh-hizmet', status: 'waiting'});
            await KentField.store.put('queue', {id: 'c2', layer: 'kh-hizmet', status: 'waiting'});
            await (await caches.open('kentcbs-field-tiles')).put('/x', new Response('tile'));
        }""")
        page.goto(live_site + "/requests/")
        page.click(".navbar-toggler") if page.locator(".navbar-toggler").is_visible() else None
        page.click("#logout-form button")
        dialog = page.locator("#logout-field-dialog")
        dialog.wait_for(state="visible")
        assert page.inner_text("#logout-field-count") == "2"
        _shot(page, "field-logout-asks-390")
        dialog.locator("button[value=cancel]").click()
        page.wait_for_timeout(300)
        assert "/requests/" in page.url and _field_database(page)
        page.click("#logout-form button")
        page.click("#logout-field-ok")
        page.wait_for_selector("#logout-form", state="detached")  # logged out
        assert not _field_database(page)
        assert page.evaluate("caches.has('kentcbs-field-tiles')") is False

    def test_logout_without_waiting_changes_wipes_without_asking(self, phone, live_site, db, live_editor):
        context, page = phone
        _login(page, live_site, live_editor)
        page.goto(live_site + "/saha/")
        page.wait_for_selector("body[data-ready='1']")
        page.evaluate("KentField.store.put('meta', {name: 'Yenidoğan'}, 'area')")
        page.goto(live_site + "/requests/")
        page.click(".navbar-toggler") if page.locator(".navbar-toggler").is_visible() else None
        page.click("#logout-form button")
        page.wait_for_selector("#logout-form", state="detached")  # logged out
        assert not _field_database(page)

    def test_another_user_never_sees_the_last_ones_device(self, phone, live_site, db, live_editor, live_admin):
        """Without our logout (a session that ran out, the admin's own logout): the next user who
        opens the field app finds another owner. Their unsent changes block the app for the next
        user (kept for their owner); with nothing waiting the device is wiped for the new user."""
        context, page = phone
        _login(page, live_site, live_editor)
        page.goto(live_site + "/saha/")
        page.wait_for_selector("body[data-ready='1']")
        page.evaluate("""async () => {
            await KentField.store.put('meta', {name: 'Yenidoğan'}, 'area');
            await KentField.store.put('queue', {id: 'c1', layer: 'kh-hizmet', status: 'waiting'});
        }""")
        context.clear_cookies()
        _login(page, live_site, live_admin)
        page.goto(live_site + "/saha/")
        page.wait_for_selector("body[data-blocked='1']")
        assert live_editor[0] in page.inner_text("body")
        assert page.locator("#btn-sync").is_hidden() and page.locator("#btn-add").is_hidden()
        _shot(page, "field-other-user-blocked-390")
        assert page.evaluate("KentField.store.count('queue')") == 1  # kept for its owner
        page.evaluate("KentField.store.remove('queue', 'c1')")  # (as if the owner had sent it)
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        assert page.evaluate("KentField.store.get('meta', 'owner')") == live_admin[0]
        assert page.evaluate("KentField.store.get('meta', 'area')") is None
