"""Self-service for every member of staff: file about one's own equipment, follow, confirm or
reopen, rate; never the help-desk queue or another person's ticket; unit heads read their unit's."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.assets.models import InventoryItem, Staff
from backoffice.tickets import self_service, services
from backoffice.tickets.models import Category, Channel, EventKind, Feedback, Status, Ticket
from cbs.testing import make_user


def _staff_user(registry_no: str):
    """A fresh account (no grants: the default role only) linked to a sample staff record."""
    user = make_user(staff=False)
    staff = Staff.objects.get(registry_no=registry_no)
    staff.user = user
    staff.save()
    return user, staff


@pytest.fixture
def employee(db):
    return _staff_user("1200")


@pytest.fixture
def colleague(db):
    return _staff_user("1201")  # same unit as 1200


def _file(user, staff, **extra):
    item = self_service.my_items(staff).first()
    return self_service.ticket_file(user=user, title="Yazıcı çıktı vermiyor", description="Kağıt sıkışıyor.",
                                    category=Category.objects.get(name="Bilgisayar"), place="office", item=item,
                                    **extra)


class SelfServiceTests:
    def test_every_new_account_holds_the_personel_role(self, db):
        """An account made anywhere gets "Personel" by default (and may lose it like any role)."""
        user = make_user(staff=False)
        assert user.groups.filter(name="Personel").exists()
        assert self_service.may_self_serve(user)
        user.groups.clear()
        assert not self_service.may_self_serve(user)

    def test_staff_files_about_own_item_with_help_desk_routing_and_sla(self, employee):
        """A web-form ticket of the staff record, routed to the category's team with SLA due times."""
        user, staff = employee
        ticket = _file(user, staff)
        assert ticket.channel == Channel.WEB and ticket.requester_staff == staff
        assert ticket.item in self_service.my_items(staff)
        assert ticket.team.name == "Teknik Destek" and ticket.resolution_due and ticket.created_by == user
        assert staff.unit.name in ticket.address

    def test_someone_elses_item_is_refused(self, employee, colleague):
        user, _staff = employee
        other_item = self_service.my_items(colleague[1]).first()
        with pytest.raises(ValidationError):
            self_service.ticket_file(user=user, title="x", description="", category=Category.objects.first(),
                                     place="office", item=other_item)
        assert not Ticket.objects.filter(item=other_item, requester_staff=employee[1]).exists()

    def test_without_staff_record_nothing_is_filed(self, db):
        with pytest.raises(PermissionDenied):
            self_service.ticket_file(user=make_user(staff=False), title="x", description="x",
                                     category=Category.objects.first(), place="address", address="Bir yer")

    def test_attachment_goes_through_the_same_checks(self, employee, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        user, staff = employee
        with pytest.raises(ValidationError):
            _file(user, staff, upload=SimpleUploadedFile("a.exe", b"MZ..", "application/octet-stream"))
        ticket = _file(user, staff, upload=SimpleUploadedFile("hata.txt", b"Hata 0x1", "text/plain"))
        assert ticket.attachments.get().uploaded_by == user

    def test_confirm_rate_and_reopen(self, employee, helpdesk):
        """Resolved by the help desk → the requester confirms (closed) and rates 4; another one is
        reopened with the reason; a second rating and a rating of 6 are refused."""
        user, staff = employee
        ticket = _file(user, staff)
        services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
        with pytest.raises(ValidationError):
            self_service.ticket_rate(ticket=ticket, user=user, rating=4)  # not resolved yet
        services.ticket_transition(ticket=ticket, status=Status.RESOLVED, user=helpdesk, note="Toner değişti.")
        ticket = self_service.ticket_confirm(ticket=ticket, user=user)
        assert ticket.status == Status.CLOSED
        assert self_service.ticket_rate(ticket=ticket, user=user, rating=4).rating == 4
        with pytest.raises(ValidationError):
            self_service.ticket_rate(ticket=ticket, user=user, rating=5)
        again = _file(user, staff)
        services.ticket_transition(ticket=again, status=Status.IN_PROGRESS, user=helpdesk)
        services.ticket_transition(ticket=again, status=Status.RESOLVED, user=helpdesk, note="Sürücü kuruldu.")
        with pytest.raises(ValidationError):
            self_service.ticket_reopen(ticket=again, user=user, reason=" ")
        again = self_service.ticket_reopen(ticket=again, user=user, reason="Hâlâ yazdırmıyor.")
        assert again.status == Status.IN_PROGRESS and again.resolved_at is None
        with pytest.raises(ValidationError):
            self_service.ticket_rate(ticket=again, user=user, rating=6)
        assert not Feedback.objects.filter(ticket=again).exists()

    def test_reply_while_waiting_restarts_work_and_notes_stay_internal(self, employee, helpdesk):
        user, staff = employee
        ticket = _file(user, staff)
        services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
        services.ticket_transition(ticket=ticket, status=Status.WAITING, user=helpdesk)
        services.ticket_comment(ticket=ticket, kind=EventKind.NOTE, text="GİZLİ not", user=helpdesk)
        services.ticket_comment(ticket=ticket, kind=EventKind.REPLY, text="Model numarası nedir?", user=helpdesk)
        self_service.ticket_requester_reply(ticket=ticket, user=user, text="HP M428")
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROGRESS
        texts = [e.text for e in self_service.public_events(ticket)]
        assert "HP M428" in texts and "Model numarası nedir?" in texts and "GİZLİ not" not in texts

    def test_only_the_requester_acts(self, employee, colleague, helpdesk):
        user, staff = employee
        ticket = _file(user, staff)
        services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
        services.ticket_transition(ticket=ticket, status=Status.RESOLVED, user=helpdesk, note="Tamam.")
        with pytest.raises(PermissionDenied):
            self_service.ticket_confirm(ticket=ticket, user=colleague[0])


class SelfServiceViewTests:
    def test_staff_sees_own_requests_never_the_queue_or_others(self, client, employee, colleague):
        """The queue, a help-desk ticket page and the new-ticket page are 403; another person's
        request is 404 in self-service; the own request's page shows no internal note."""
        user, staff = employee
        mine = _file(user, staff)
        theirs = _file(*colleague)
        client.force_login(user)
        assert client.get(reverse("tickets:queue")).status_code == 403
        assert client.get(reverse("tickets:new")).status_code == 403
        assert client.get(reverse("tickets:detail", args=[mine.number])).status_code == 403
        assert client.get(reverse("selfservice:detail", args=[theirs.number])).status_code == 404
        page = client.get(reverse("selfservice:list")).content.decode()
        assert mine.number in page and theirs.number not in page
        assert client.get(reverse("selfservice:detail", args=[mine.number])).status_code == 200
        response = client.post(reverse("selfservice:detail", args=[theirs.number]), {"action": "confirm"})
        assert response.status_code == 404

    def test_unit_head_reads_the_units_requests_but_does_not_act(self, client, employee, colleague):
        user, staff = employee
        head_user, head = colleague
        staff.unit.head = head
        staff.unit.save()
        ticket = _file(user, staff)
        client.force_login(head_user)
        assert ticket.number in client.get(reverse("selfservice:list")).content.decode()
        assert client.get(reverse("selfservice:detail", args=[ticket.number])).status_code == 200
        response = client.post(reverse("selfservice:detail", args=[ticket.number]), {"action": "reply", "text": "x"})
        assert response.status_code == 403
        other_unit = Staff.objects.exclude(unit=staff.unit).first()
        other_user, _ = _staff_user(other_unit.registry_no)
        foreign = _file(other_user, other_unit)
        assert client.get(reverse("selfservice:detail", args=[foreign.number])).status_code == 404

    def test_form_files_and_bad_input_is_a_400(self, client, employee):
        user, staff = employee
        client.force_login(user)
        item = self_service.my_items(staff).first()
        category = Category.objects.get(name="Monitör")
        response = client.post(reverse("selfservice:new"), {
            "title": "Ekran titriyor", "category": category.pk, "place": "office", "item": item.pk})
        assert response.status_code == 302
        ticket = Ticket.objects.get(title="Ekran titriyor")
        assert ticket.item == item and ticket.requester_staff == staff
        other = InventoryItem.objects.exclude(pk__in=self_service.my_items(staff)).first()
        for bad in ({"title": "x", "category": "abc", "place": "office"},
                    {"title": "x", "category": category.pk, "place": "office", "item": other.pk},
                    {"title": "x", "category": category.pk, "place": "map", "lon": "nan"},
                    {"title": "x", "category": category.pk, "place": "address", "address": ""}):
            assert client.post(reverse("selfservice:new"), bad).status_code == 400
        assert client.post(reverse("selfservice:detail", args=[ticket.number]), {"action": "rate",
                                                                                  "rating": "9"}).status_code == 302
        assert not Feedback.objects.filter(ticket=ticket).exists()
        assert client.post(reverse("selfservice:detail", args=[ticket.number]), {"action": "x"}).status_code == 400

    def test_account_without_staff_record_is_told_so(self, client, db):
        client.force_login(make_user(staff=False))
        assert client.get(reverse("selfservice:list")).status_code == 200
        assert client.get(reverse("selfservice:new")).status_code == 403

    def test_without_the_role_self_service_is_403(self, client, db):
        user = make_user(staff=False)
        user.groups.remove(Group.objects.get(name="Personel"))
        client.force_login(user)
        assert client.get(reverse("selfservice:list")).status_code == 403


class HelpDeskFormTests:
    def test_queue_sorts_counts_and_ignores_unknown_sort(self, client, helpdesk):
        client.force_login(helpdesk)
        for sort in ("priority", "-priority", "number", "-due", "assignee", "nope;drop", "-" * 30):
            response = client.get(reverse("tickets:queue"), {"sort": sort, "status": ["yeni", "atandi", "islemde",
                                                                                        "beklemede", "cozuldu", "kapatildi"]})
            assert response.status_code == 200
        page = client.get(reverse("tickets:queue"), {"sort": "priority", "status": "yeni"})
        numbers = [t.priority for t in page.context["page"]]
        assert numbers == sorted(numbers)
        assert page.context["page"].paginator.count == Ticket.objects.filter(status="yeni").count()
        assert 'id="queue-count"' in page.content.decode()
        page = client.get(reverse("tickets:queue"), {"sort": "-priority", "status": "yeni"})
        assert [t.priority for t in page.context["page"]] == sorted(numbers, reverse=True)

    def test_comment_defaults_to_internal_note(self, client, helpdesk, employee):
        ticket = _file(*employee)
        client.force_login(helpdesk)
        response = client.get(reverse("tickets:detail", args=[ticket.number]))
        assert response.context["comment_form"]["kind"].value() == EventKind.NOTE
        html = response.content.decode()
        assert re.search(r'<input type="radio" name="kind" value="not"[^>]* checked', html)
        assert not re.search(r'<input type="radio" name="kind" value="yanit"[^>]* checked', html)

    def test_new_ticket_links_an_inventory_item_and_the_item_page_lists_it(self, client, helpdesk, employee):
        user, staff = employee
        item = self_service.my_items(staff).first()
        client.force_login(helpdesk)
        response = client.post(reverse("tickets:new"), {
            "title": "Bilgisayar açılmıyor", "description": "Güç yok.", "channel": "telefon",
            "category": Category.objects.get(name="Bilgisayar").pk, "priority": 3, "requester_staff": staff.pk,
            "item": item.pk})
        assert response.status_code == 302, response.content.decode()[:2000]
        ticket = Ticket.objects.get(title="Bilgisayar açılmıyor")
        assert ticket.item == item
        assert client.get(reverse("tickets:api_staff_items"), {"staff": staff.pk}).json()["items"] == list(
            self_service.my_items(staff).values_list("pk", flat=True))
        assets_user = make_user(("module:assets", "view"))
        client.force_login(assets_user)
        page = client.get(reverse("assets:item", args=[item.pk])).content.decode()
        assert ticket.number in page
