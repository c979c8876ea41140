"""The map's attribute table, search everywhere and measuring, in a real headless Chromium."""

import os

import pytest

from tests.test_browser import _login, _wait_for_map_idle, browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = os.environ.get("CBS_SHOTS")  # a folder: screenshots for looking at the pages


def _shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name))


@pytest.fixture(scope="module")
def live_ticket(django_db_setup, django_db_blocker):
    """A committed ticket (the live server cannot see a test's own rows), removed afterwards."""
    from backoffice.tickets import services as tickets
    from backoffice.tickets.models import Category, Ticket

    with django_db_blocker.unblock():
        ticket = tickets.ticket_open(user=None, data=tickets.TicketInput(
            title="Kamera görüntü yok", description="Görüntü yok.", channel="telefon",
            category=Category.objects.get(name="Görüntü yok"), priority=2, requester_name="Ayşe Yılmaz",
            requester_phone="0532 123 45 67", consent_note="sözlü", address="Telsiz Mah."))
    yield ticket.number
    with django_db_blocker.unblock():
        Ticket.objects.filter(pk=ticket.pk).delete()


def _open_table(page, layer):
    page.wait_for_selector("#layer-tree .layer-row")
    page.click("#open-attribute-table")
    page.select_option("#attr-layer", layer)
    page.wait_for_selector('#attribute-table[data-loading="0"] #attr-body tr[data-id]')


def _wait_loaded(page):
    page.wait_for_function("() => document.getElementById('attribute-table').dataset.loading === '0'")


def _column(page, name):
    return page.evaluate("n => Array.from(document.querySelectorAll('#attr-body td[data-column=\"' + n + '\"]'))"
                         ".map(td => td.textContent)", name)


class AttributeTableTests:
    def test_sort_filter_extent_and_select_highlights(self, page, live_site, db):
        """Buildings sorted by floors (descending), filtered by name (Turkish-insensitive) and by
        the map view; a clicked row is highlighted on the map and zoomed to."""
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(live_site + "/map/")
        _open_table(page, "bi-bina")
        total = page.evaluate("window.kentAttributeTable.count")
        page.click("#attr-head button[data-column=zeminUstuKatSayisi]")
        _wait_loaded(page)
        rising = [int(v) for v in _column(page, "zeminUstuKatSayisi")]
        page.click("#attr-head button[data-column=zeminUstuKatSayisi]")  # second click: descending
        _wait_loaded(page)
        floors = [int(v) for v in _column(page, "zeminUstuKatSayisi")]
        assert rising == sorted(rising) and floors == sorted(floors, reverse=True) and rising[0] < floors[0]
        page.select_option("#attr-filter-field", "adi")
        page.select_option("#attr-filter-op", "contains")
        page.fill("#attr-filter-value", "BESTELSIZ")
        page.click("#attr-filter-add")
        _wait_loaded(page)
        names = _column(page, "adi")
        assert names and all("Beştelsiz" in n for n in names)
        filtered = page.evaluate("window.kentAttributeTable.count")
        assert 0 < filtered < total
        assert "BESTELSIZ" in page.locator("#attr-filters").inner_text()
        # Only what the map shows: zoom onto one building, the count drops.
        page.locator("#attr-body tr[data-id]").first.click()
        selected = page.evaluate("Array.from(window.kentAttributeTable.selected.keys())")
        assert len(selected) == 1
        page.wait_for_function("() => window.kentMap.getView().getZoom() >= 17")
        _wait_for_map_idle(page)
        page.check("#attr-extent")
        _wait_loaded(page)
        in_view = page.evaluate("window.kentAttributeTable.count")
        assert 0 < in_view < filtered
        # The selected building is drawn highlighted in the tiles.
        highlighted = page.evaluate("""id => {
            const layer = window.kentLayers['bi-bina'];
            const style = layer.getStyle();
            const features = layer.getFeaturesInExtent(window.kentMap.getView().calculateExtent());
            const mine = features.filter(f => String(f.getId()) === String(id));
            const res = window.kentMap.getView().getResolution();
            const first = f => { const s = style(f, res); return Array.isArray(s) ? s[0] : s; };
            return mine.length > 0 && mine.every(f => first(f).getStroke().getColor() === '#00e5ff');
        }""", selected[0])
        assert highlighted
        _shot(page, "attribute-table-1440.png")
        assert page.external_requests == []

    def test_bulk_edit_of_three_rows_and_export(self, page, live_site, db, live_editor):
        """An editor applies one value to a column of three selected service points: three new
        versions in the history and three audit records; a refused value saves nothing; the
        selection exports to CSV with exactly those rows."""
        import csv
        import io

        from cbs.audit.models import AuditRecord
        from layers.models import KamuHizmeti
        from layers.registry import get_layer

        history = get_layer("kh-hizmet").history
        page.set_viewport_size({"width": 1440, "height": 900})
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        _open_table(page, "kh-hizmet")
        # The last three service points: other tests read the first ones at their sample version
        # (this test commits through the live server; history stays, as it must).
        page.click("#attr-head button[data-column=tucbsNo]")
        _wait_loaded(page)
        page.click("#attr-head button[data-column=tucbsNo]")
        _wait_loaded(page)
        rows = page.locator("#attr-body tr[data-id]")
        ids = [int(rows.nth(i).get_attribute("data-id")) for i in range(3)]
        before = {s.tucbs_no: (s.iletisim_telefon, s.version) for s in KamuHizmeti.objects.filter(tucbs_no__in=ids)}
        versions_before = history.objects.filter(tucbs_no__in=ids).count()
        audits_before = AuditRecord.objects.filter(object_type="layer:kh-hizmet").count()
        rows.nth(0).click()
        rows.nth(2).click(modifiers=["Shift"])
        assert page.locator("#attr-selection").inner_text().startswith("3")
        # A refused value (too long for the column's validation on the server): nothing is saved.
        page.select_option("#attr-bulk-field", "Iletisim_telefon")
        page.evaluate("() => { const i = document.getElementById('attr-bulk-value'); i.removeAttribute('maxlength'); }")
        page.fill("#attr-bulk-value", "0" * 40)
        page.click("#attr-bulk-apply")
        page.click("#confirm-bulk-ok")
        page.wait_for_function("() => document.getElementById('attr-message').className.includes('text-danger')")
        assert "Hiçbir şey kaydedilmedi" in page.locator("#attr-message").inner_text()
        assert history.objects.filter(tucbs_no__in=ids).count() == versions_before
        try:
            page.fill("#attr-bulk-value", "0212 555 00 00")
            page.click("#attr-bulk-apply")
            assert "3" in page.locator("#confirm-bulk-text").inner_text()
            page.click("#confirm-bulk-ok")
            page.wait_for_function("() => document.getElementById('attr-message').className.includes('text-success')")
            after = {s.tucbs_no: (s.iletisim_telefon, s.version) for s in KamuHizmeti.objects.filter(tucbs_no__in=ids)}
            assert all(after[i] == ("0212 555 00 00", before[i][1] + 1) for i in ids)
            assert history.objects.filter(tucbs_no__in=ids).count() == versions_before + 3
            assert AuditRecord.objects.filter(object_type="layer:kh-hizmet").count() == audits_before + 3
            assert _column(page, "Iletisim_telefon")[:3] == ["0212 555 00 00"] * 3
            _shot(page, "attribute-table-bulk-1440.png")
            # Export the selection.
            page.select_option("#attr-export-format", "csv")
            with page.expect_download() as info:
                page.click("#attr-export")
            text = open(info.value.path(), encoding="utf-8").read()
            exported = list(csv.DictReader(io.StringIO(text)))
            assert sorted(int(r["tucbsNo"]) for r in exported) == sorted(ids)
        finally:
            from layers.services import AttributeChange, features_update_attributes

            from django.contrib.auth import get_user_model

            now = {s.tucbs_no: s.version for s in KamuHizmeti.objects.filter(tucbs_no__in=ids)}
            features_update_attributes(layer=get_layer("kh-hizmet"), user=get_user_model().objects.get(username=live_editor[0]),
                                       changes=[AttributeChange(i, now[i], {"Iletisim_telefon": before[i][0]}) for i in ids])

    def test_cell_edit_is_offered_to_editors_only(self, page, live_site, db):
        """Anonymous visitors see the table but no bulk edit and no editable cells."""
        page.goto(live_site + "/map/")
        _open_table(page, "kh-hizmet")
        assert page.locator("#attr-bulk").is_hidden()
        assert page.locator("#attr-body td.attr-editable").count() == 0
        page.locator("#attr-body tr[data-id] td[data-column=adi]").first.dblclick()
        assert page.locator(".attr-cell-editor").count() == 0


class SearchEverywhereTests:
    def _search(self, page, text):
        page.evaluate("() => document.getElementById('search-results').replaceChildren()")
        with page.expect_response(lambda r: "/search/?q=" in r.url):
            page.fill("#search", text)
        page.wait_for_selector("#search-results .search-hit, #search-results .search-empty")
        return page.locator("#search-results .search-label").all_inner_texts()

    def test_turkish_folding_addresses_parcels_and_coordinates(self, page, live_site, db, live_admin):
        """'sehit er 12' finds 'Şehit Er Caddesi No: 12'; ILGIN/ılgın find Ilgın Sokak; '103/1' a
        parcel (staff); coordinates put a marker there."""
        page.set_viewport_size({"width": 1440, "height": 900})
        _login(page, live_site, live_admin)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        assert "Şehit Er Caddesi No: 12" in self._search(page, "sehit er 12")
        assert page.locator("#search-results .search-group").first.inner_text().upper() == "ADRESLER"
        _shot(page, "search-address-1440.png")
        assert "Ilgın Sokak" in self._search(page, "ILGIN")
        assert "Ilgın Sokak" in self._search(page, "ılgın")
        assert "Ada 103 Parsel 1" in self._search(page, "103/1")
        labels = self._search(page, "41.0061 28.9032")
        assert labels and labels[0].startswith("Enlem 41.006100")
        page.locator("#search-results .search-hit").first.click()
        page.wait_for_function("() => window.kentSearchMarker.getFeatures().length === 1")
        lonlat = page.evaluate("ol.proj.toLonLat(window.kentSearchMarker.getFeatures()[0].getGeometry().getCoordinates())")
        assert abs(lonlat[0] - 28.9032) < 1e-6 and abs(lonlat[1] - 41.0061) < 1e-6
        labels = self._search(page, "Y=407500 X=4541200")
        assert labels and labels[0].startswith("EPSG:5254 Y 407500.00")

    def test_assets_and_tickets_only_for_who_may_see_them(self, page, live_site, db, live_technician, live_editor,
                                                          live_ticket):
        """A technician finds a camera by its IP and a ticket by its number; a CBS editor (no
        tickets or assets grant) gets neither."""
        from backoffice.assets.models import Camera
        from backoffice.tickets.models import Ticket

        camera = Camera.objects.exclude(ip=None).order_by("tucbs_no").first()
        ticket = Ticket.objects.get(number=live_ticket)
        _login(page, live_site, live_technician)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        assert f"Kamera {camera.adi} ({camera.ip})" in self._search(page, camera.ip)
        assert any(label.startswith(f"#{ticket.number}") for label in self._search(page, ticket.number))
        page.context.clear_cookies()
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        assert not any(label.startswith(f"#{ticket.number}") for label in self._search(page, ticket.number))
        assert not any(camera.ip in label for label in self._search(page, camera.ip))


def _measuring(page, live_site):
    """/map/ fitted around a 1 km line in the TM zone, then line measuring switched on: (start, end,
    a function giving the page pixel of a map coordinate)."""
    page.set_viewport_size({"width": 1440, "height": 900})
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

    def at(coordinate):
        pixel = page.evaluate("c => window.kentMap.getPixelFromCoordinate(c)", coordinate)
        return box["x"] + pixel[0], box["y"] + pixel[1]
    return start, end, at


class MeasureTests:
    def test_measure_without_zoom_label_on_map_and_esc(self, page, live_site, db):
        """A 1 km line measures 1.000 km in the TM zone; the closing double-click does not zoom;
        the result is drawn on the map; Backspace drops the last point; Esc cancels a drawing."""
        start, end, at = _measuring(page, live_site)
        zoom = page.evaluate("window.kentMap.getView().getZoom()")

        page.mouse.click(*at(start))
        middle = [(start[0] + end[0]) / 2, start[1] + 300]
        page.mouse.click(*at(middle))
        page.keyboard.press("Backspace")  # the detour point is removed again
        page.mouse.click(*at(end))
        page.mouse.dblclick(*at(end))
        page.wait_for_function("() => /[0-9] k?m$/.test(document.getElementById('measure-result').textContent)")
        value, unit = page.locator("#measure-result").inner_text().split()
        metres = float(value) * (1000 if unit == "km" else 1)
        assert abs(metres - 1000) < 5, (value, unit)
        page.wait_for_timeout(400)
        assert page.evaluate("window.kentMap.getView().getZoom()") == zoom
        assert page.locator("#feature-panel").is_hidden(), page.locator("#feature-panel").inner_text()  # the closing clicks identify nothing
        assert "1.000 km" in page.locator("#measure-label").inner_text()
        _shot(page, "measure-1440.png")
        # Esc cancels a drawing under way.
        page.click("#measure-area")
        page.mouse.click(*at(start))
        page.mouse.click(*at(end))
        page.keyboard.press("Escape")
        assert page.locator("#measure-result").inner_text() == "Ölçüm iptal edildi."
        page.wait_for_function("() => window.kentMeasuring === false")
        # The shortcuts help.
        page.click("#open-shortcuts")
        assert page.locator("#shortcuts").is_visible()
        assert "Esc" in page.locator("#shortcuts").inner_text()
        _shot(page, "shortcuts-1440.png")


    def test_a_slow_closing_double_click_identifies_nothing_the_next_click_does(self, page, live_site, db):
        """The closing double-click's two clicks 400 ms apart (a busy machine, a slow hand): the
        browser still reports one double-click, and neither click opens the identify panel; a
        click after the measurement identifies as usual."""
        start, end, at = _measuring(page, live_site)

        page.mouse.click(*at(start))
        x, y = at(end)
        page.mouse.click(x, y)
        page.mouse.down(click_count=1)
        page.mouse.up(click_count=1)
        page.wait_for_timeout(400)  # longer than OpenLayers' 250 ms: it reports the first click alone
        page.mouse.down(click_count=2)
        page.mouse.up(click_count=2)
        page.wait_for_function("() => / k?m$/.test(document.getElementById('measure-result').textContent)")
        page.wait_for_timeout(800)  # the last click's "singleclick" would come 250 ms after it
        assert page.locator("#feature-panel").is_hidden(), page.locator("#feature-panel").inner_text()
        page.mouse.click(x, y)
        page.wait_for_selector("#feature-panel:not([hidden])")
        assert page.locator("#feature-panel-title").inner_text()

class DeleteAsksFirstTests:
    def test_geometry_widget_asks_before_deleting_the_drawn_geometry(self, page, live_site, db, live_admin):
        """The admin's map widget: 'Delete all Features' opens a dialog; Cancel keeps the geometry,
        Delete empties it (nothing is saved until the form is)."""
        page.goto(live_site + "/admin/login/")
        page.fill("#id_username", live_admin[0])
        page.fill("#id_password", live_admin[1])
        page.click("input[type=submit]")
        page.goto(live_site + "/admin/layers/kamuhizmeti/")
        page.click("#result_list tbody tr th a")
        page.wait_for_selector(".dj_map canvas", timeout=15000)
        field = page.locator("textarea.vSerializedField")
        assert field.input_value()
        page.click(".clear_features a")
        dialog = page.locator("dialog.cbs-dialog[open]")
        assert dialog.is_visible()
        dialog.locator("button[value=cancel]").click()
        assert field.input_value()
        page.click(".clear_features a")
        page.locator("dialog.cbs-dialog[open] button[value=ok]").click()
        page.wait_for_function("() => document.querySelector('textarea.vSerializedField').value === ''")
        assert not [e for e in page.console_errors if "Content Security Policy" in e]
