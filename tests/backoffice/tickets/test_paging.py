"""Long ticket lists at 100 000 tickets: the queue counts up to a cap ("10000+") instead of every
matching ticket, and the queue and "Taleplerim" read a page in a fixed number of statements
however many rows it shows (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.assets.models import Staff
from backoffice.tickets import paging, self_service, services
from backoffice.tickets.models import OPEN_STATES, Category, Ticket
from backoffice.tickets.paging import CappedPaginator
from cbs.testing import make_user


def test_count_stops_at_the_cap(helpdesk, camera_fault):
    ids = [services.ticket_open(data=camera_fault).pk for _ in range(5)]
    qs = Ticket.objects.filter(pk__in=ids).order_by("-created_at")  # (other tests may leave committed tickets)
    capped = CappedPaginator(qs, 2, cap=3)
    assert (capped.count, capped.capped, capped.num_pages) == (4, True, 2)
    exact = CappedPaginator(qs, 2, cap=10)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)


def test_queue_says_more_than_the_cap(client, helpdesk, camera_fault, monkeypatch):
    for _ in range(3):
        services.ticket_open(data=camera_fault)
    open_now = Ticket.objects.filter(status__in=OPEN_STATES).count()  # 3, or more left committed by other tests
    client.force_login(helpdesk)
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert "Toplam: 2+" in page
    monkeypatch.setattr(paging, "COUNT_CAP", 1000)
    assert f"Toplam: {open_now}<" in client.get(reverse("tickets:queue")).content.decode()


def _statements(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queue_statements_do_not_grow_with_the_rows(client, helpdesk, technician, camera_fault):
    client.force_login(helpdesk)
    staff = Staff.objects.select_related("unit").order_by("pk").first()
    services.ticket_assign(ticket=services.ticket_open(data=camera_fault), assignee=technician, user=helpdesk)
    few = _statements(client, reverse("tickets:queue"))
    camera_fault.requester_staff = staff  # rows with staff requesters (their unit is shown) and CİMER deadlines
    for channel in ("telefon", "cimer", "telefon", "cimer"):
        camera_fault.channel = channel
        services.ticket_assign(ticket=services.ticket_open(data=camera_fault), assignee=technician, user=helpdesk)
    assert _statements(client, reverse("tickets:queue")) == few


def test_taleplerim_statements_do_not_grow_and_a_unit_head_reads_the_unit(client, db):
    head_user, member_user = make_user(staff=False), make_user(staff=False)
    head, member = Staff.objects.get(registry_no="1201"), Staff.objects.get(registry_no="1200")
    Staff.objects.filter(pk=head.pk).update(user=head_user)
    Staff.objects.filter(pk=member.pk).update(user=member_user)
    member.unit.head = head
    member.unit.save()
    category = Category.objects.get(name="Bilgisayar")

    def file(user):
        return self_service.ticket_file(user=user, title="Yazıcı", description="Kağıt sıkışıyor.",
                                        category=category, place="office")

    own = file(head_user)
    client.force_login(head_user)
    few = _statements(client, reverse("selfservice:list"))
    theirs = [file(member_user) for _ in range(4)]
    assert _statements(client, reverse("selfservice:list")) == few
    page = client.get(reverse("selfservice:list")).content.decode()
    assert all(t.number in page for t in [own, *theirs]) and member.name in page
    assert set(self_service.my_tickets(head_user)) == {own, *theirs}
    assert set(self_service.my_tickets(member_user)) == set(theirs)  # a member sees only their own


def test_a_status_filter_reads_the_page_without_distinct(client, helpdesk, camera_fault):
    """The status chips match a column of the ticket itself: no SELECT DISTINCT, which would sort
    every matching ticket (65 000 closed ones at 100 000) before returning a page."""
    services.ticket_open(data=camera_fault)
    client.force_login(helpdesk)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("tickets:queue"), {"status": ["yeni", "kapatildi"]}).content.decode()
    assert f"Toplam: {Ticket.objects.filter(status__in=['yeni', 'kapatildi']).count()}<" in page
    tickets = [q["sql"] for q in queries if '"tickets_ticket"' in q["sql"] and "tickets_ticket_related" not in q["sql"]]
    assert tickets and not any("DISTINCT" in sql for sql in tickets)
