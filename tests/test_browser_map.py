"""The shared map module in a real Chromium: labels, legends, base maps, identify and pick lists."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.gis.geos import Point

from tests.test_browser import CSP_SPY, _click_lonlat, _login, browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

MAGENTA = (255, 0, 255)


def _lonlat(geom) -> list[float]:
    return list(geom.transform(4326, clone=True).coords)


def _go(page, lonlat, zoom, var="kentMap"):
    page.wait_for_function(f"() => window.{var}")
    page.evaluate(f"([c, z]) => {{ window.{var}.getView().setCenter(ol.proj.fromLonLat(c));"
                  f" window.{var}.getView().setZoom(z); }}", [lonlat, zoom])
    _idle(page, var)


def _idle(page, var="kentMap"):
    """Until the map has drawn everything of the view (at most 20 s, then the test goes on and
    its assertions, which wait themselves, tell what is missing)."""
    page.evaluate(f"() => new Promise(done => {{ window.{var}.once('rendercomplete', done); window.{var}.render();"
                  " setTimeout(done, 20000); })")


def _pixels(png: bytes):
    from PIL import Image

    return list(Image.open(io.BytesIO(png)).convert("RGB").getdata())


def _camera_pole():
    """A junction pole that holds four cameras."""
    from django.db.models import Count

    from backoffice.assets.models import Camera

    row = (Camera.objects.values("geom").annotate(n=Count("id")).filter(n=4).order_by("geom").first())
    return row["geom"], list(Camera.objects.filter(geom=row["geom"]).order_by("tucbs_no"))


class MapLabelTests:
    def test_base_map_writes_street_names_and_door_numbers(self, page, live_site, db, live_editor):
        """From zoom 17 the city base map writes the street names along the roads and the door
        numbers (read through the map API), and the label layer really draws: switching labels
        off changes thousands of pixels. Nothing comes from other hosts."""
        from layers.models import Numarataj

        door = Numarataj.objects.select_related("yol").order_by("tucbs_no").first()
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        _go(page, _lonlat(door.geom), 15)
        assert page.evaluate("() => KentMain.labels('ad-numarataj')") == []  # doors from zoom 17 only
        _go(page, _lonlat(door.geom), 18)
        page.wait_for_function("([road, no]) => KentMain.labels('ad-yol').includes(road)"
                               " && KentMain.labels('ad-numarataj').includes(no)", arg=[door.yol.adi, door.kapi_numarasi])
        with_labels = _pixels(page.locator("#map").screenshot())
        page.uncheck("#labels-on")
        _idle(page)
        page.wait_for_timeout(1000)
        without = _pixels(page.locator("#map").screenshot())
        changed = sum(1 for a, b in zip(with_labels, without, strict=True) if a != b)
        assert changed > 2000, changed
        assert page.external_requests == []

    def test_zoning_legend_lists_its_classes_with_colours_and_scale_hints(self, page, live_site, db, live_editor):
        """The zoning layer's legend lists every land use of its code list in Turkish with the
        registry's colour; a layer outside its zoom range is greyed with the scale it shows from."""
        from django.utils import translation

        from layers.registry import get_layer
        from layers.styles import style_of

        with translation.override("tr"):
            classes = style_of(get_layer("ak-imar")).classes
        _login(page, live_site, live_editor)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        page.check("#layer-ak-imar")
        items = page.locator('.layer-item[data-layer="ak-imar"] .legend-classes li')
        assert items.count() == len(classes) >= 8
        shown = [(li.get_attribute("data-class"), li.inner_text().strip(),
                  li.locator(".legend-swatch").evaluate("e => getComputedStyle(e).borderTopColor"))
                 for li in items.all()]
        expected = [(c.value, c.label, "rgb({}, {}, {})".format(*bytes.fromhex(c.color[1:]))) for c in classes]
        assert shown == expected
        assert ("konut", "Konut", "rgb(255, 230, 0)") in shown
        building = page.locator('.layer-item[data-layer="bi-bina"]')
        _go(page, [28.905, 41.0], 12)
        assert "out-of-range" in building.get_attribute("class")
        assert building.locator(".scale-hint").inner_text() == "1:26\u00a0000'den yakında görünür"
        _go(page, [28.905, 41.0], 15)
        assert "out-of-range" not in building.get_attribute("class")
        assert building.locator(".scale-hint").is_hidden()


class _Tiles(BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self):  # noqa: N802  (http.server's name)
        from PIL import Image

        _Tiles.requested.append(self.path)
        out = io.BytesIO()
        Image.new("RGB", (256, 256), MAGENTA).save(out, "PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(out.getvalue())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def xyz_base_map(django_db_setup, django_db_blocker):
    """A local XYZ tile server (every tile magenta) configured as a base map by an administrator."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from layers.models import BaseMap

    url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    with django_db_blocker.unblock():
        base = BaseMap(name="Test ortofoto", kind="xyz", url=url, attribution="Test kaynağı")
        base.full_clean()
        base.save()
    yield base, f"127.0.0.1:{server.server_port}"
    with django_db_blocker.unblock():
        base.delete()
    server.shutdown()


class BaseMapSwitcherTests:
    def test_admin_configured_xyz_base_map_is_switched_on(self, page, live_site, db, xyz_base_map):
        """The switcher offers the city base map, the configured XYZ service and none; choosing the
        XYZ draws its tiles (the page's CSP admits that host) with its attribution."""
        base, host = xyz_base_map
        page.add_init_script(CSP_SPY)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        names = page.locator(".kent-basemaps label").all_inner_texts()
        assert [n.strip() for n in names] == ["Kent altlığı (çevrimdışı)", "Test ortofoto", "Yok"]
        assert page.locator('.kent-basemaps input[data-basemap="kent"]').is_checked()
        for box in page.locator("#layer-tree input[type=checkbox]").all():
            box.uncheck()
        page.check(f'.kent-basemaps input[data-basemap="basemap-{base.pk}"]')
        _idle(page)
        assert _Tiles.requested
        pixels = _pixels(page.locator("#map").screenshot())
        assert sum(1 for p in pixels if p == MAGENTA) > 0.6 * len(pixels)
        assert "Test kaynağı" in page.locator(".ol-attribution").inner_text(timeout=5000) or \
            page.locator(".ol-attribution li").count() > 0
        assert {r.split("/")[2] for r in page.external_requests} == {host}
        assert page.evaluate("() => window.cbsCsp") == []
        page.check('.kent-basemaps input[data-basemap="none"]')
        _idle(page)
        pixels = _pixels(page.locator("#map").screenshot())
        assert sum(1 for p in pixels if p == MAGENTA) == 0


class IdentifyBrowserTests:
    def test_four_cameras_on_one_pole_are_listed_and_read_in_turkish(self, page, live_site, db, live_technician):
        """A click on a junction pole lists its four cameras; the chosen one shows Turkish labels,
        code-list labels, local time, its site by name, its address and its actions."""
        import re

        pole, cameras = _camera_pole()
        chosen = cameras[2]
        _login(page, live_site, live_technician)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        _go(page, _lonlat(pole), 18)
        _click_lonlat(page, _lonlat(pole))
        page.wait_for_selector("#feature-panel-hits a")
        listed = page.locator("#feature-panel-hits a").all_inner_texts()
        assert all(any(c.adi in text for text in listed) for c in cameras), listed
        assert "4 nesne" in page.locator("#feature-panel-title").inner_text() or \
            "nesne" in page.locator("#feature-panel-title").inner_text()
        page.click(f"#feature-panel-hits a[data-id='{chosen.tucbs_no}']")
        page.wait_for_selector("#feature-panel-attributes tr")
        assert page.locator("#feature-panel-title").inner_text() == chosen.adi
        rows = dict(zip(page.locator("#feature-panel-attributes th").all_inner_texts(),
                        page.locator("#feature-panel-attributes td").all_inner_texts(), strict=True))
        assert rows["Durum"] == chosen.get_durum_display()
        assert rows["Tür"] == chosen.get_tur_display()
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", rows["Sürüm başlangıç zamanı"])
        from django.utils import timezone

        assert rows["Sürüm başlangıç zamanı"] == timezone.localtime(chosen.surum_baslangic_zamani).strftime("%d.%m.%Y %H:%M")
        if chosen.lokasyon_id:
            assert rows["Lokasyon"] == str(chosen.lokasyon)
        assert "Mahallesi" in page.locator("#feature-panel-address").inner_text()
        actions = dict(zip(page.locator("#feature-panel-actions a").all_inner_texts(),
                           [a.get_attribute("href") for a in page.locator("#feature-panel-actions a").all()],
                           strict=True))
        assert set(actions) == {"Düzenle", "Geçmiş", "Kayıt aç", "Varlık sayfası"}
        assert actions["Kayıt aç"] == f"/tickets/new/?camera={chosen.tucbs_no}"
        assert actions["Varlık sayfası"] == f"/assets/kamera/{chosen.tucbs_no}/"
        # The value column is wide enough: no attribute text is clipped.
        assert page.evaluate("""() => [...document.querySelectorAll('#feature-panel-attributes td')]
            .every(td => td.scrollWidth <= td.clientWidth + 1)""")
        assert page.external_requests == []

    def test_new_ticket_map_lets_the_help_desk_choose_among_four_cameras(self, page, live_site, db, live_helpdesk):
        """On the new-ticket map a click on a pole with four cameras links none at random: the
        help desk picks one from the list, and that one is linked."""
        pole, cameras = _camera_pole()
        chosen = cameras[1]
        _login(page, live_site, live_helpdesk)
        page.goto(live_site + "/tickets/new/")
        _go(page, _lonlat(pole), 18, var="kentPickMap")
        pixel = page.evaluate("c => window.kentPickMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))", _lonlat(pole))
        box = page.locator("#pick-map").bounding_box()
        page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
        page.wait_for_selector("#pick-map .kent-identify-list a")
        assert page.locator("#pick-map .kent-identify-list a").count() == 4
        assert page.input_value("#id_camera") == ""
        page.click(f"#pick-map .kent-identify-list a[data-id='{chosen.tucbs_no}']")
        assert page.input_value("#id_camera") == str(chosen.tucbs_no)
        assert chosen.adi in page.locator("#pick-result").inner_text()


@pytest.fixture(scope="module")
def three_tickets_at_one_place(django_db_setup, django_db_blocker):
    """Three committed open tickets at the same point (a building with a recurring fault)."""
    from backoffice.tickets import services
    from backoffice.tickets.models import Category, Ticket

    place = Point(407600.0, 4541200.0, srid=5254)
    with django_db_blocker.unblock():
        category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
        made = [services.ticket_open(user=None, data=services.TicketInput(
            title=f"Aynı yerde arıza {i}", description="Test", channel="telefon", category=category,
            priority=3, requester_name="Test Kişi", requester_phone="0212 000 00 00", consent_note="test",
            location=place)) for i in range(3)]
    yield made, _lonlat(place)
    with django_db_blocker.unblock():
        Ticket.objects.filter(pk__in=[t.pk for t in made]).delete()


class TicketClusterTests:
    def test_a_cluster_at_the_last_zoom_lists_its_tickets(self, page, live_site, db, live_helpdesk,
                                                           three_tickets_at_one_place):
        """Three tickets at one place never come apart: a click on their cluster lists them, each
        linking to its ticket."""
        made, lonlat = three_tickets_at_one_place
        _login(page, live_site, live_helpdesk)
        page.goto(live_site + "/tickets/map/")
        page.wait_for_function("() => window.kentTickets && window.kentTickets.getFeatures().length >= 3")
        _go(page, lonlat, 20, var="kentTicketMap")
        # The clusters are drawn for this zoom before the click (a click on an undrawn map hits nothing).
        page.evaluate("() => new Promise(done => { window.kentTicketMap.once('rendercomplete', done);"
                      " window.kentTicketMap.render(); })")
        pixel = page.evaluate("c => window.kentTicketMap.getPixelFromCoordinate(ol.proj.fromLonLat(c))", lonlat)
        box = page.locator("#ticket-map").bounding_box()
        page.mouse.click(box["x"] + pixel[0], box["y"] + pixel[1])
        page.wait_for_selector("#ticket-map .kent-identify-list a")
        links = {a.get_attribute("href") for a in page.locator("#ticket-map .kent-identify-list a").all()}
        assert {f"/tickets/{t.number}/" for t in made} <= links
        assert "Aynı yerde arıza 0" in page.locator("#ticket-map .kent-identify-list").inner_text()
