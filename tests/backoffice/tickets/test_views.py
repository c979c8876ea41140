"""Help-desk screens: permission surface, masking and access records, filters, bad input."""

import pytest
from django.urls import reverse

from backoffice.tickets import services
from backoffice.tickets.models import Category, Ticket
from cbs.audit.models import AccessRecord
from cbs.testing import Route, assert_route_permissions, make_user


@pytest.fixture
def ticket(db, camera_fault):
    return services.ticket_open(data=camera_fault, user=None)


def new_ticket_data() -> dict:
    return {"title": "Yazıcı çalışmıyor", "description": "Kağıt sıkışıyor", "channel": "telefon",
            "category": Category.objects.get(name="Yazıcı / tarayıcı").pk, "priority": 3,
            "requester_name": "Mehmet Kaya", "requester_phone": "0212 555 11 22", "consent_note": "sözlü",
            "lon": "28.905", "lat": "41.0"}


def first_number() -> str:
    return Ticket.objects.values_list("number", flat=True).first()


ROUTES = [
    Route("queue", lambda: reverse("tickets:queue"), ("module:tickets", "view")),
    Route("queue filtered", lambda: reverse("tickets:queue") + "?status=yeni&sla=ok&priority=2",
          ("module:tickets", "view")),
    Route("my work", lambda: reverse("tickets:mine"), ("module:tickets", "view")),
    Route("ticket map", lambda: reverse("tickets:map"), ("module:tickets", "view")),
    Route("ticket geojson", lambda: reverse("tickets:api_geojson"), ("module:tickets", "view")),
    Route("ticket page", lambda: reverse("tickets:detail", args=[first_number()]), ("module:tickets", "view")),
    Route("new ticket form", lambda: reverse("tickets:new"), ("module:tickets", "edit")),
    Route("open a ticket (write)", lambda: reverse("tickets:new"), ("module:tickets", "edit"), method="post",
          data=new_ticket_data, allowed=(302,), creates=Ticket),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_permission_surface(client, ticket, route):
    assert_route_permissions(client, route)


class PersonalDataTests:
    def test_manager_sees_masked_requester_and_no_access_record(self, client, ticket):
        client.force_login(make_user(("module:tickets", "view")))
        before = AccessRecord.objects.exclude(purpose="").count()
        body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
        assert "Ayşe Yılmaz" not in body and "A*** Y*****" in body and "0532 123 45 67" not in body
        assert AccessRecord.objects.exclude(purpose="").count() == before

    def test_helpdesk_sees_requester_and_the_view_is_recorded(self, client, ticket, helpdesk):
        client.force_login(helpdesk)
        body = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
        assert "Ayşe Yılmaz" in body and "0532 123 45 67" in body
        record = AccessRecord.objects.exclude(purpose="").latest("id")
        assert ticket.number in record.path and "requester_name" in record.purpose

    def test_queue_masks_names_for_everyone(self, client, ticket, helpdesk):
        client.force_login(helpdesk)
        body = client.get(reverse("tickets:queue")).content.decode()
        assert ticket.number in body and "Ayşe Yılmaz" not in body


class ScreenTests:
    def test_bad_new_ticket_shows_errors_and_writes_nothing(self, client, helpdesk, db):
        client.force_login(helpdesk)
        data = {**new_ticket_data(), "consent_note": "", "lon": "", "lat": ""}
        before = Ticket.objects.count()
        response = client.post(reverse("tickets:new"), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "consent" in response.content.decode()
        assert Ticket.objects.count() == before

    def test_bulk_assign_and_my_work(self, client, ticket, helpdesk, technician):
        client.force_login(helpdesk)
        response = client.post(reverse("tickets:queue"), {"ticket": [ticket.pk], "assignee": technician.pk,
                                                          "query": ""})
        assert response.status_code == 302
        client.force_login(technician)
        body = client.get(reverse("tickets:mine")).content.decode()
        assert ticket.number in body and "geo:" in body

    def test_mahalle_filter_and_geojson(self, client, ticket, helpdesk):
        from layers.models import Mahalle

        inside = Mahalle.objects.get(geom__contains=ticket.location)
        other = Mahalle.objects.exclude(pk=inside.pk).first()
        client.force_login(helpdesk)
        found = client.get(reverse("tickets:api_geojson"), {"mahalle": inside.pk}).json()["features"]
        assert ticket.number in [f["id"] for f in found]
        found = client.get(reverse("tickets:api_geojson"), {"mahalle": other.pk}).json()["features"]
        assert ticket.number not in [f["id"] for f in found]
        assert client.get(reverse("tickets:api_geojson"), {"opened_after": "not-a-date"}).status_code == 400

    def test_saved_filter(self, client, ticket, helpdesk):
        client.force_login(helpdesk)
        client.post(reverse("tickets:queue"), {"action": "save_filter", "name": "Acil", "query": "priority=1"})
        assert "Acil" in client.get(reverse("tickets:queue")).content.decode()

    def test_attachment_upload_and_download(self, client, ticket, helpdesk, settings, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile

        settings.MEDIA_ROOT = tmp_path
        client.force_login(helpdesk)
        client.post(reverse("tickets:detail", args=[ticket.number]),
                    {"action": "attach", "file": SimpleUploadedFile("not.txt", b"kamera logu\n")})
        attachment = ticket.attachments.get()
        response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"kamera logu\n"
        assert 'filename="not.txt"' in response["Content-Disposition"]

    def test_camera_page_lists_its_tickets(self, client, ticket, technician):
        client.force_login(technician)
        body = client.get(reverse("assets:asset", args=["kamera", ticket.camera.tucbs_no])).content.decode()
        assert ticket.number in body
