"""Issue 20 on a phone (390×844) in a real headless Chromium: every page a technician, a surveyor
or a visitor uses fits the screen with thumb-sized controls; the technician's day end to end;
"Konumum" and "Yakınımda" with a geolocation override. Set CBS_SCREENSHOTS to keep screenshots."""

import io
import os
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")

# Visible controls that must be at least 44 × 44 px on a phone (the main ones of each page).
TARGETS = ("#site-nav-toggle, main .btn, main .form-control, main .form-select, main .nav-pills .nav-link, "
           "#map-shell > .btn, #locate-tools .btn, #sidebar .btn, #sidebar .form-control, #sidebar .form-select, "
           "#login-form input:not([type=hidden]), #login-form button")
SMALL_TARGETS_JS = """sel => Array.from(document.querySelectorAll(sel))
    .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
    .map(e => { const r = e.getBoundingClientRect();
                return [e.id || e.name || e.textContent.trim().slice(0, 40), Math.round(r.width), Math.round(r.height)]; })
    .filter(t => t[1] < 44 || t[2] < 44)"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


def _phone(browser, **options):
    context = browser.new_context(locale="tr-TR", viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, **options)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return page


def _login(page, live_site, credentials):
    page.goto(live_site + "/accounts/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.click("#login-form button")
    page.wait_for_load_state()


def _shot(page, name: str) -> None:
    folder = os.environ.get("CBS_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def _commit(django_db_blocker, fn):
    with django_db_blocker.unblock():
        return fn()


@pytest.fixture(scope="module")
def field_day(django_db_setup, django_db_blocker, live_technician, live_helpdesk):
    """Committed for the live server: a faulty camera with a breached ticket about it (the
    requester left a phone number), a critical one due tomorrow and a low one, all assigned to the
    technician. Removed afterwards; the camera goes back to its status."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from backoffice.assets.models import Camera, DeviceStatus, MaintenanceRecord
    from backoffice.tickets import services
    from backoffice.tickets.models import Category, Ticket
    from layers.registry import get_layer
    from layers.services import feature_update

    tag = uuid.uuid4().hex[:6]

    def make():
        users = get_user_model().objects
        desk, tech = users.get(username=live_helpdesk[0]), users.get(username=live_technician[0])
        camera = Camera.objects.filter(durum=DeviceStatus.ACTIVE, tur="kgys").order_by("tucbs_no")[3]
        camera = feature_update(layer=get_layer("kh-kamera"), instance=camera,
                                properties={"durum": DeviceStatus.FAULTY})
        category = Category.objects.get(name="Görüntü yok")
        made = {}
        now = timezone.now()
        for key, priority, due, with_camera in (("low", 4, now + timedelta(hours=6), False),
                                                ("critical", 1, now + timedelta(days=1), False),
                                                ("breached", 3, now - timedelta(hours=2), True)):
            ticket = services.ticket_open(user=desk, data=services.TicketInput(
                title=f"Saha {key} {tag}", description="Sahada bakılacak.", channel="telefon", category=category,
                priority=priority, requester_name="Ayşe Yılmaz", requester_phone="0532 123 45 67",
                consent_note="sözlü", camera=camera if with_camera else None,
                address="" if with_camera else "Beştelsiz Mh.",
                location=None if with_camera else camera.geom.clone()))
            services.ticket_assign(ticket=ticket, assignee=tech, user=desk, notify=False)
            Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due)
            made[key] = Ticket.objects.get(pk=ticket.pk)
        return SimpleNamespace(camera=camera, tech=tech, **made)

    day = _commit(django_db_blocker, make)
    yield day

    def clean():
        MaintenanceRecord.objects.filter(camera=day.camera).delete()
        for ticket in (day.low, day.critical, day.breached):
            for attachment in ticket.attachments.all():
                attachment.file.delete(save=False)
        Ticket.objects.filter(pk__in=[day.low.pk, day.critical.pk, day.breached.pk]).delete()
        camera = Camera.objects.get(pk=day.camera.pk)
        if camera.durum != DeviceStatus.ACTIVE:
            feature_update(layer=get_layer("kh-kamera"), instance=camera, properties={"durum": DeviceStatus.ACTIVE})

    _commit(django_db_blocker, clean)


def _routes(field_day, django_db_blocker):
    """Every page of the personas' day: (persona, path)."""
    from backoffice.assets.models import Camera, FiberLink, InventoryItem, NetworkDevice, Site, Staff

    def find():
        staff = Staff.objects.filter(assignments__returned_on__isnull=True).order_by("pk").first()
        return {"device": NetworkDevice.objects.order_by("tucbs_no").first().tucbs_no,
                "site": Site.objects.order_by("tucbs_no").first().tucbs_no,
                "fiber": FiberLink.objects.order_by("tucbs_no").first().tucbs_no,
                "camera": Camera.objects.order_by("tucbs_no").first().tucbs_no,
                "item": InventoryItem.objects.order_by("pk").first().pk, "staff": staff.pk if staff else 1}

    ids = _commit(django_db_blocker, find)
    technician = ["/", "/map/", "/tickets/", "/tickets/mine/", "/tickets/mine/?sla=breached", "/tickets/new/",
                  "/tickets/map/", f"/tickets/{field_day.breached.number}/", f"/tickets/{field_day.low.number}/",
                  "/assets/", "/assets/?q=sw", "/assets/map/", f"/assets/holdings/?staff={ids['staff']}",
                  "/assets/expiring/", f"/assets/item/{ids['item']}/", f"/assets/kamera/{ids['camera']}/",
                  f"/assets/cihaz/{ids['device']}/", f"/assets/lokasyon/{ids['site']}/",
                  f"/assets/fiber/{ids['fiber']}/"]
    surveyor = ["/map/", "/map/import/", "/map/history/bi-bina/1/", "/map/history/kh-hizmet/1/",
                "/map/metadata/bi-bina/", "/ogc/"]
    visitor = ["/", "/map/", "/accounts/login/", "/admin/login/", "/ogc/collections?f=html"]
    manager = ["/reports/", "/reports/activity/"]
    return {"technician": technician, "surveyor": surveyor, "visitor": visitor, "manager": manager}


class PhoneWidthTests:
    def test_every_page_fits_390_px_with_44_px_targets(self, browser, live_site, field_day, db, django_db_blocker,
                                                      live_technician, live_editor, live_manager):
        """No horizontal scroll at 390 px on any page of the day, for each persona; the main controls
        are at least 44 px; the navbar collapses and opens to show log-out within the screen."""
        credentials = {"technician": live_technician, "surveyor": live_editor, "manager": live_manager,
                       "visitor": None}
        too_wide, too_small = [], []
        for persona, paths in _routes(field_day, django_db_blocker).items():
            page = _phone(browser)
            if credentials[persona]:
                _login(page, live_site, credentials[persona])
            for path in paths:
                response = page.goto(live_site + path)
                assert response.status < 400, (persona, path, response.status)
                page.wait_for_load_state("load")
                page.wait_for_timeout(150)  # table_cards.js and the map have laid out
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append((persona, path, width))
                small = page.evaluate(SMALL_TARGETS_JS, TARGETS)
                if small:
                    too_small.append((persona, path, small[:5]))
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
                _shot(page, f"phone-{persona}-{name}")
            if persona == "technician":
                page.goto(live_site + "/tickets/mine/")
                assert page.locator("#site-nav-items").is_hidden()
                page.click("#site-nav-toggle")
                page.wait_for_selector("#site-nav-items.show")
                logout = page.locator("#site-nav-items form[action$='/logout/'] button").bounding_box()
                assert logout["x"] + logout["width"] <= PHONE["width"] and logout["height"] >= 44
                heights = page.evaluate("() => Array.from(document.querySelectorAll('#site-nav-items .nav-link'))"
                                        ".map(a => a.getBoundingClientRect().height)")
                assert heights and min(heights) >= 44
                _shot(page, "phone-technician-menu-open")
            page.context.close()
        assert too_wide == []
        assert too_small == []

    def test_map_sidebar_is_a_drawer(self, browser, live_site, db):
        """On a phone the layer list is off screen until the drawer button opens it; Escape closes it."""
        page = _phone(browser)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row", state="attached")
        sidebar = lambda: page.locator("#sidebar").bounding_box()  # noqa: E731
        assert sidebar()["x"] + sidebar()["width"] <= 0
        map_box = page.locator("#map").bounding_box()
        assert map_box["width"] >= PHONE["width"] - 1  # the map has the whole width
        page.click("#drawer-toggle")
        page.wait_for_timeout(400)
        assert sidebar()["x"] >= 0 and page.get_attribute("#drawer-toggle", "aria-expanded") == "true"
        _shot(page, "phone-map-drawer-open")
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)
        assert sidebar()["x"] + sidebar()["width"] <= 0
        page.context.close()


class TechnicianDayTests:
    def test_breached_first_call_directions_photo_work_log_resolve(self, browser, live_site, field_day, db,
                                                                   django_db_blocker, live_technician):
        """At 390×844 the technician sees the breached camera ticket first, calls the requester,
        gets directions (Apple Maps on an iPhone), sends a 3000×2000 photo that arrives at most
        1600 px wide, logs work and resolves: the camera is active again and its maintenance record
        carries the work log and today's date."""
        from django.utils import timezone
        from PIL import Image

        from backoffice.assets.models import Camera, DeviceStatus, MaintenanceRecord
        from backoffice.tickets.models import Attachment, Status, Ticket

        page = _phone(browser, user_agent=IPHONE_UA)
        _login(page, live_site, live_technician)
        page.goto(live_site + "/tickets/mine/")
        cards = page.locator("#my-work .work-card")
        numbers = [cards.nth(i).get_attribute("data-number") for i in range(cards.count())]
        mine = [n for n in numbers if n in (field_day.breached.number, field_day.critical.number,
                                            field_day.low.number)]
        assert mine == [field_day.breached.number, field_day.critical.number, field_day.low.number]
        assert cards.first.get_attribute("data-sla") == "breached"
        _shot(page, "phone-my-work")
        page.select_option("#id_sla", "breached")
        page.click("#my-work-filters button[type=submit]")
        page.wait_for_selector("#my-work")
        assert field_day.low.number not in page.locator("#my-work").inner_text()

        page.click(f"#my-work a.work-title:has-text('{field_day.breached.number}')")
        page.wait_for_selector("#field-actions")
        assert page.get_attribute("#field-call", "href") == "tel:05321234567"
        lonlat = _commit(django_db_blocker, lambda: field_day.camera.geom.transform(4326, clone=True).coords)
        lat, lon = f"{lonlat[1]:.6f}", f"{lonlat[0]:.6f}"
        assert page.get_attribute("#field-directions", "href") == f"https://maps.apple.com/?daddr={lat},{lon}"
        assert page.get_attribute("#field-directions", "data-geo") == f"geo:{lat},{lon}?q={lat},{lon}"
        assert f"destination={lat},{lon}" in page.get_attribute("#field-directions-alt", "href")
        assert page.get_attribute("#field-photo", "capture") == "environment"
        assert page.get_attribute("#field-photo", "accept") == "image/*"
        _shot(page, "phone-ticket-on-site")

        # A camera-sized photo: 3000 × 2000 px.
        buffer = io.BytesIO()
        Image.new("RGB", (3000, 2000), (40, 120, 200)).save(buffer, "JPEG", quality=95)
        page.click("#field-photo-box summary")
        page.set_input_files("#field-photo", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                                     "buffer": buffer.getvalue()}])
        page.wait_for_function("() => !document.getElementById('field-photo-preview').hidden")
        assert page.get_attribute("#field-photo-preview", "data-width") == "1600"
        _shot(page, "phone-ticket-photo")
        page.click("#field-photo-send")
        page.wait_for_selector(".alert-success")
        attachment = _commit(django_db_blocker, lambda: Attachment.objects.get(ticket=field_day.breached))

        def size():
            with attachment.file.storage.open(attachment.file.name, "rb") as handle:
                return Image.open(io.BytesIO(handle.read())).size

        assert _commit(django_db_blocker, size) == (1600, 1067)
        assert attachment.original_name == "IMG_0001.jpg"

        page.click("#field-work-box summary")
        page.fill("#field_text", "Kamera adaptörü değiştirildi, görüntü geldi.")
        page.fill("#field_minutes", "45")
        page.click("#field-work-save")
        page.wait_for_selector(".alert-success")
        page.click("#field-resolve-box summary")
        today = _commit(django_db_blocker, lambda: timezone.localdate())
        assert page.input_value("#field_done_on") == today.isoformat()
        assert page.is_checked("#field_reactivate") and page.is_checked("#field_maintenance")
        page.fill("#field_note", "Adaptör değiştirildi; kamera çalışıyor.")
        page.fill("#field_parts", "12 V adaptör")
        _shot(page, "phone-ticket-resolve")
        page.click("#field-resolve-save")
        page.wait_for_selector(".alert-success")
        assert "Çözüldü" in page.locator("#ticket-status").inner_text()
        assert page.locator("#field-asset-status").inner_text() == "Aktif"
        _shot(page, "phone-ticket-resolved")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

        def stored():
            camera = Camera.objects.get(pk=field_day.camera.pk)
            record = MaintenanceRecord.objects.get(camera=camera)
            return camera.durum, Ticket.objects.get(pk=field_day.breached.pk).status, record

        status, ticket_status, record = _commit(django_db_blocker, stored)
        assert status == DeviceStatus.ACTIVE and ticket_status == Status.RESOLVED
        assert record.action == "Kamera adaptörü değiştirildi, görüntü geldi."
        assert record.done_on == today and record.parts == "12 V adaptör"
        page.goto(live_site + f"/assets/kamera/{field_day.camera.tucbs_no}/")
        assert "Aktif" in page.locator("#asset-attributes").inner_text()
        assert page.console_errors == []
        page.context.close()

    def test_android_gets_geo_first(self, browser, live_site, field_day, db, live_technician):
        page = _phone(browser, user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                                          "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36")
        _login(page, live_site, live_technician)
        page.goto(live_site + f"/tickets/{field_day.critical.number}/")
        assert page.get_attribute("#field-directions", "href").startswith("geo:")
        assert page.get_attribute("#field-directions-alt", "href").startswith("https://www.google.com/maps/dir/")
        page.context.close()


class WhereAmITests:
    def test_my_location_and_near_me_with_a_geolocation_override(self, browser, live_site, field_day, db,
                                                                 django_db_blocker, live_technician):
        """The browser reports a position 20 m from the camera (±15 m): the map draws the position
        and its accuracy circle; "Yakınımda" lists the camera first and the tickets at its place,
        nearest first, and a smaller radius lists fewer."""
        from django.contrib.gis.geos import Point

        def position():
            g = field_day.camera.geom
            return Point(g.x + 20, g.y, srid=g.srid).transform(4326, clone=True).coords

        lon, lat = _commit(django_db_blocker, position)
        page = _phone(browser, geolocation={"longitude": lon, "latitude": lat, "accuracy": 15},
                      permissions=["geolocation"])
        _login(page, live_site, live_technician)
        page.goto(live_site + "/map/")
        page.wait_for_selector("#locate-me")
        page.click("#locate-me")
        page.wait_for_function("() => window.kentLocation && window.kentLocation.lonlat !== null")
        assert page.evaluate("() => window.kentLocation.accuracy") == 15
        radius = page.evaluate("""() => { const l = window.kentMap.getLayers().getArray().find(x => x.get('cbsLocate'));
            const [circle, point] = l.getSource().getFeatures();
            const e = circle.getGeometry().getExtent();
            return ol.sphere.getLength(new ol.geom.LineString([[e[0], (e[1] + e[3]) / 2], [e[2], (e[1] + e[3]) / 2]])) / 2; }""")
        assert 13 < radius < 17  # the accuracy circle, measured on the ground
        assert "15 m" in page.locator("#locate-status").inner_text()
        page.click("#near-me-open")
        page.wait_for_selector("#near-results li")
        rows = page.locator("#near-results li")
        first = rows.first.inner_text()
        assert field_day.camera.adi in first and "Kamera" in first
        distances = [float(rows.nth(i).locator(".near-distance").get_attribute("data-metres"))
                     for i in range(rows.count())]
        assert distances == sorted(distances) and max(distances) <= 500
        listed = page.locator("#near-results").inner_text()
        # The two tickets at the camera's place that no other test resolves.
        assert field_day.critical.number in listed and field_day.low.number in listed
        _shot(page, "phone-near-me")
        count = rows.count()
        page.select_option("#near-radius", "100")
        page.wait_for_function("n => document.querySelectorAll('#near-results li').length < n", arg=count)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.console_errors == []
        page.context.close()

    def test_denied_position_is_said_in_turkish(self, browser, live_site, db, live_technician):
        page = _phone(browser)  # no geolocation permission
        _login(page, live_site, live_technician)
        page.goto(live_site + "/map/")
        page.click("#locate-me")
        page.wait_for_selector("#locate-status:not([hidden])")
        assert "konum" in page.locator("#locate-status").inner_text().lower()
        page.context.close()


class DesktopTests:
    def test_desktop_keeps_the_full_navbar_and_sidebar(self, browser, live_site, field_day, db, live_technician):
        """At 1440×900 nothing of the phone layout shows: the navbar is expanded, the map's sidebar
        is in place, the drawer button hidden; İşlerim cards and the on-site block still work."""
        context = browser.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        _login(page, live_site, live_technician)
        page.goto(live_site + "/tickets/mine/")
        assert page.locator("#site-nav-toggle").is_hidden() and page.locator("#site-nav-items").is_visible()
        assert page.locator("#my-work .work-card").count() >= 2  # the day's journey may have resolved one
        _shot(page, "desktop-my-work")
        page.goto(live_site + f"/tickets/{field_day.critical.number}/")
        assert page.locator("#field-actions").is_visible()
        _shot(page, "desktop-ticket")
        page.goto(live_site + "/map/")
        page.wait_for_selector("#layer-tree .layer-row")
        assert page.locator("#drawer-toggle").is_hidden()
        assert page.locator("#sidebar").bounding_box()["x"] == 0
        assert page.locator("#locate-me").is_visible()
        _shot(page, "desktop-map")
        context.close()
