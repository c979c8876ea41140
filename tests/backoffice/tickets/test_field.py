"""The technician's phone screens (issue 20): "İşlerim" order and filters, resolving on site with
the asset back to active and the maintenance record from the work log, "Yakınımda"."""

from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from backoffice.assets.models import Camera, DeviceStatus, MaintenanceRecord
from backoffice.tickets import services
from backoffice.tickets.models import EventKind, Status, Ticket
from backoffice.tickets.templatetags.tickets_field import directions, tel_href
from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.registry import get_layer
from layers.services import feature_update


def _ticket(data, user, assignee, *, title, priority, due):
    data.title, data.priority = title, priority
    ticket = services.ticket_open(data=data, user=user)
    services.ticket_assign(ticket=ticket, assignee=assignee, user=user, notify=False)
    Ticket.objects.filter(pk=ticket.pk).update(resolution_due=due)  # the SLA state under test
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def faulty_camera(db):
    camera = Camera.objects.filter(durum=DeviceStatus.ACTIVE).order_by("tucbs_no").first()
    return feature_update(layer=get_layer("kh-kamera"), instance=camera, properties={"durum": DeviceStatus.FAULTY})


class MyWorkTests:
    def test_breached_first_then_at_risk_then_priority_and_due(self, client, helpdesk, technician, camera_fault):
        """A critical ticket due tomorrow comes after the breached and the at-risk ones but before a
        low one due earlier; filters narrow the cards; a bad filter value is a 400."""
        now = timezone.now()
        low = _ticket(camera_fault, helpdesk, technician, title="düşük", priority=4, due=now + timedelta(hours=5))
        critical = _ticket(camera_fault, helpdesk, technician, title="kritik", priority=1,
                           due=now + timedelta(days=1))
        risk = _ticket(camera_fault, helpdesk, technician, title="riskte", priority=3, due=now + timedelta(hours=1))
        breached = _ticket(camera_fault, helpdesk, technician, title="gecikmiş", priority=4,
                           due=now - timedelta(hours=3))
        client.force_login(technician)
        page = client.get(reverse("tickets:mine")).content.decode()
        order = [page.index(f'data-number="{t.number}"') for t in (breached, risk, critical, low)]
        assert order == sorted(order)
        page = client.get(reverse("tickets:mine"), {"sla": "breached"}).content.decode()
        assert breached.number in page and risk.number not in page and low.number not in page
        page = client.get(reverse("tickets:mine"), {"priority": "1"}).content.decode()
        assert critical.number in page and breached.number not in page
        assert client.get(reverse("tickets:mine"), {"sla": "x' OR 1=1"}).status_code == 400

    def test_call_and_directions_links(self):
        assert tel_href("0532 123 45 67") == "tel:05321234567"
        assert tel_href("+90 (532) 123-45-67") == "tel:+905321234567"
        assert tel_href("yok") == ""
        links = directions((28.9, 41.0))
        assert links["geo"] == "geo:41.000000,28.900000?q=41.000000,28.900000"
        assert links["apple"] == "https://maps.apple.com/?daddr=41.000000,28.900000"
        assert "destination=41.000000,28.900000" in links["google"]


class ResolveOnSiteTests:
    def test_resolve_sets_camera_active_and_writes_maintenance_from_work_log(
            self, client, helpdesk, technician, camera_fault, faulty_camera):
        camera_fault.camera = faulty_camera
        ticket = _ticket(camera_fault, helpdesk, technician, title="görüntü yok", priority=2,
                         due=timezone.now() + timedelta(hours=4))
        services.ticket_comment(ticket=ticket, kind=EventKind.WORK, text="Adaptör değiştirildi.", minutes=40,
                                user=technician)
        services.ticket_comment(ticket=ticket, kind=EventKind.WORK, text="Görüntü geldi.", minutes=5,
                                user=technician)
        version = faulty_camera.version
        client.force_login(technician)
        page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
        today = timezone.localdate().isoformat()
        assert f'value="{today}"' in page and 'id="field_reactivate"' in page
        assert 'href="tel:05321234567"' in page
        response = client.post(reverse("tickets:resolve_on_site", args=[ticket.number]), {
            "note": "Kamera adaptörü değiştirildi.", "reactivate": "on", "maintenance": "on",
            "done_on": today, "outcome": "giderildi", "parts": "12 V adaptör"})
        assert response.status_code == 302
        ticket.refresh_from_db()
        camera = Camera.objects.get(pk=faulty_camera.pk)
        assert ticket.status == Status.RESOLVED
        assert camera.durum == DeviceStatus.ACTIVE and camera.version == version + 1
        record = MaintenanceRecord.objects.get(camera=camera)
        assert record.action == "Adaptör değiştirildi.\nGörüntü geldi."
        assert record.done_on == timezone.localdate() and record.technician == technician
        assert record.parts == "12 V adaptör" and ticket.number in record.fault
        assert AuditRecord.objects.filter(object_type="layer:kh-kamera", object_id=str(camera.tucbs_no),
                                          user=technician).exists()
        assert AuditRecord.objects.filter(object_id=str(record.pk), action="create", user=technician).exists()

    def test_all_or_nothing_when_the_asset_cannot_become_active(self, client, helpdesk, technician, camera_fault):
        """A planned camera cannot go to active: nothing is written, the ticket stays open."""
        camera = Camera.objects.filter(durum=DeviceStatus.ACTIVE).order_by("-tucbs_no").first()
        camera = feature_update(layer=get_layer("kh-kamera"), instance=camera,
                                properties={"durum": DeviceStatus.RETIRED})
        camera_fault.camera = camera
        ticket = _ticket(camera_fault, helpdesk, technician, title="eski", priority=3,
                         due=timezone.now() + timedelta(hours=4))
        client.force_login(technician)
        response = client.post(reverse("tickets:resolve_on_site", args=[ticket.number]), {
            "note": "Bitti.", "reactivate": "on", "maintenance": "on", "done_on": date.today().isoformat(),
            "outcome": "giderildi"}, follow=True)
        assert response.status_code == 200
        ticket.refresh_from_db()
        assert ticket.status == Status.ASSIGNED
        assert not MaintenanceRecord.objects.filter(camera=camera).exists()

    def test_help_desk_without_asset_grant_cannot_touch_the_asset(self, client, helpdesk, technician,
                                                                 camera_fault, faulty_camera):
        camera_fault.camera = faulty_camera
        ticket = _ticket(camera_fault, helpdesk, technician, title="masa", priority=3,
                         due=timezone.now() + timedelta(hours=4))
        client.force_login(helpdesk)
        assert 'id="field_reactivate"' not in client.get(reverse("tickets:detail", args=[ticket.number])
                                                         ).content.decode()
        client.post(reverse("tickets:resolve_on_site", args=[ticket.number]),
                    {"note": "Bitti.", "reactivate": "on", "outcome": "giderildi"})
        ticket.refresh_from_db()
        assert ticket.status == Status.ASSIGNED
        assert Camera.objects.get(pk=faulty_camera.pk).durum == DeviceStatus.FAULTY

    def test_future_date_and_get_are_refused(self, client, helpdesk, technician, camera_fault):
        ticket = _ticket(camera_fault, helpdesk, technician, title="tarih", priority=3,
                         due=timezone.now() + timedelta(hours=4))
        client.force_login(technician)
        url = reverse("tickets:resolve_on_site", args=[ticket.number])
        assert client.get(url).status_code == 405
        client.post(url, {"note": "Bitti.", "maintenance": "on", "outcome": "giderildi",
                          "done_on": (timezone.localdate() + timedelta(days=2)).isoformat()})
        ticket.refresh_from_db()
        assert ticket.status == Status.ASSIGNED


class NearMeTests:
    def test_assets_and_tickets_nearest_first_by_permission(self, client, helpdesk, technician, camera_fault):
        camera = camera_fault.camera
        here = camera.geom.transform(4326, clone=True)
        ticket = _ticket(camera_fault, helpdesk, technician, title="yakın", priority=3,
                         due=timezone.now() + timedelta(hours=4))
        far = Point(camera.geom.x + 3000, camera.geom.y, srid=camera.geom.srid)
        Ticket.objects.filter(pk=ticket.pk).update(location=Point(camera.geom.x + 50, camera.geom.y,
                                                                  srid=camera.geom.srid))
        url = reverse("tickets:api_near")
        params = {"lon": f"{here.x:.7f}", "lat": f"{here.y:.7f}", "r": "100"}
        client.force_login(technician)
        rows = client.get(url, params).json()["results"]
        assert rows[0]["kind"] == "kamera" and rows[0]["title"] == camera.adi and rows[0]["distance"] < 1
        distances = [r["distance"] for r in rows]
        assert distances == sorted(distances) and max(distances) <= 100
        mine = [r for r in rows if r["kind"] == "talep"]
        assert [r["url"] for r in mine] == [reverse("tickets:detail", args=[ticket.number])]
        assert 49 < mine[0]["distance"] < 51
        Ticket.objects.filter(pk=ticket.pk).update(location=far)
        assert not [r for r in client.get(url, params).json()["results"] if r["kind"] == "talep"]
        # Help desk sees tickets and (view) assets; a viewer without modules sees nothing.
        client.force_login(make_user(("module:tickets", "view")))
        assert {r["kind"] for r in client.get(url, {**params, "r": "2000"}).json()["results"]} <= {"talep"}
        client.force_login(make_user(("layers:*", "view")))
        assert client.get(url, params).status_code == 403

    @pytest.mark.parametrize("params", [{"lon": "28.9", "lat": "41", "r": "50"},
                                        {"lon": "28.9", "lat": "41", "r": "2001"},
                                        {"lon": "nan", "lat": "41", "r": "500"},
                                        {"lon": "28.9", "lat": "91", "r": "500"},
                                        {"lon": "28.9", "r": "500"}])
    def test_bad_input_is_400(self, client, technician, params):
        client.force_login(technician)
        response = client.get(reverse("tickets:api_near"), params)
        assert response.status_code == 400 and response.json()["error"]

    def test_anonymous_is_401(self, client, db):
        assert client.get(reverse("tickets:api_near"), {"lon": "28.9", "lat": "41", "r": "500"}).status_code == 401
