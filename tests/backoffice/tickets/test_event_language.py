"""Status changes are stored as data and read in the reader's language (issue 19): the system's lines
of a ticket's history ("opened via …", "the requester confirmed the fix") and the bell's "is now: …"
keep codes, so a change made by someone reading Turkish reads in English for an English reader and
the other way round; rows stored as text before keep working (the data migration turns them into
codes, and what it does not recognise is shown as stored)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.assets.models import Staff
from backoffice.tickets import self_service, services
from backoffice.tickets.models import Category, EventKind, EventReason, Status, TicketEvent
from cbs.notifications.kinds import NoticeKind
from cbs.notifications.models import Notification
from cbs.testing import make_user


@pytest.fixture
def requester(db):
    user = make_user(staff=False)
    staff = Staff.objects.get(registry_no="1200")
    staff.user = user
    staff.save()
    return user, staff


def _events_html(client, ticket, language, url="tickets:detail"):
    page = client.get(reverse(url, args=[ticket.number]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return page[page.index('id="' + ("ticket-events" if url == "tickets:detail" else "request-events")):]


def test_history_and_notices_read_in_the_readers_language(client, helpdesk, technician, requester):
    user, staff = requester
    with translation.override("tr"):  # the people who act read Turkish
        ticket = self_service.ticket_file(user=user, title="Yazıcı", description="Kağıt sıkışıyor.",
                                          category=Category.objects.get(name="Bilgisayar"), place="office")
        services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
        services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=helpdesk)
        services.ticket_transition(ticket=ticket, status=Status.RESOLVED, user=helpdesk, note="Toner değişti.")
        self_service.ticket_confirm(ticket=ticket, user=user)
    opened = TicketEvent.objects.get(ticket=ticket, reason=EventReason.OPENED)
    assert (opened.text, opened.detail) == ("", "web")
    confirmed = TicketEvent.objects.get(ticket=ticket, to_status=Status.CLOSED)
    assert (confirmed.reason, confirmed.text) == (EventReason.CONFIRMED, "")

    client.force_login(helpdesk)
    english, turkish = _events_html(client, ticket, "en"), _events_html(client, ticket, "tr")
    assert "Opened via Web form." in english and "The requester confirmed the fix." in english
    assert "ile açıldı" not in english and "onayladı" not in english
    assert "Web formu ile açıldı." in turkish and "Talep eden çözümü onayladı." in turkish
    assert "Toner değişti." in english  # what a person wrote stays as written

    client.force_login(user)  # the requester's own page too
    assert "The requester confirmed the fix." in _events_html(client, ticket, "en", "selfservice:detail")
    assert "Talep eden çözümü onayladı." in _events_html(client, ticket, "tr", "selfservice:detail")

    notice = Notification.objects.filter(user=technician, kind=NoticeKind.STATUS).order_by("pk").last()
    assert notice.detail == Status.CLOSED  # a code, not the actor's word
    with translation.override("en"):
        assert notice.text() == f"Ticket {ticket.number} is now: Closed."
    with translation.override("tr"):
        assert "Kapatıldı" in notice.text()


def test_merge_line_names_the_other_ticket_in_each_language(client, helpdesk, camera_fault):
    first, second = services.ticket_open(data=camera_fault), services.ticket_open(data=camera_fault)
    with translation.override("tr"):
        services.ticket_merge(duplicate=second, into=first, user=helpdesk)
    event = TicketEvent.objects.get(ticket=second, reason=EventReason.MERGED)
    assert event.detail == first.number
    with translation.override("en"):
        assert event.system_text == f"Merged into {first.number}."
    with translation.override("tr"):
        assert event.system_text == f"{first.number} ile birleştirildi."
    note = TicketEvent.objects.get(ticket=first, kind=EventKind.NOTE, reason=EventReason.MERGED_HERE)
    assert (note.detail, note.text) == (second.number, "")
    client.force_login(helpdesk)
    assert f"{second.number} was merged into this ticket." in _events_html(client, first, "en")
    assert f"{second.number} bu kayıtla birleştirildi." in _events_html(client, first, "tr")


def test_rows_stored_as_text_before_are_turned_into_codes(helpdesk, technician, camera_fault):
    """What the data migration does with rows written before: Turkish and English system lines and
    status labels become codes; a person's note and an unknown text stay as they were."""
    ticket = services.ticket_open(data=camera_fault)
    now = timezone.now()
    old = {text: TicketEvent.objects.create(ticket=ticket, kind=EventKind.TRANSITION, text=text, to_status="islemde",
                                            created_at=now)
           for text in ("Telefon ile açıldı.", "Opened via E-mail.", "2026-000001 ile birleştirildi.",
                        "The requester answered by e-mail.", "Talep eden yanıt verdi.", "Parça bekleniyor.")}
    notices = {detail: Notification.objects.create(user=technician, kind=NoticeKind.STATUS, key=f"eski:{detail}",
                                                   number=ticket.number, detail=detail, url="/", created_at=now)
               for detail in ("İşlemde", "Resolved", "bilinmeyen")}
    merged_here = TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, text="2026-000002 bu kayıtla birleştirildi.",
                                             created_at=now)
    migration = importlib.import_module("backoffice.tickets.migrations.0009_event_reason_as_data")

    migration.forwards(apps, None)

    found = {text: (e.reason, e.detail, e.text) for text, e in
             ((t, TicketEvent.objects.get(pk=e.pk)) for t, e in old.items())}
    assert found == {
        "Telefon ile açıldı.": ("acildi", "telefon", ""),
        "Opened via E-mail.": ("acildi", "eposta", ""),
        "2026-000001 ile birleştirildi.": ("birlesti", "2026-000001", ""),
        "The requester answered by e-mail.": ("eposta", "", ""),
        "Talep eden yanıt verdi.": ("yanit", "", ""),
        "Parça bekleniyor.": ("", "", "Parça bekleniyor."),
    }
    merged_here.refresh_from_db()
    assert (merged_here.reason, merged_here.detail, merged_here.text) == ("eklendi", "2026-000002", "")
    assert {d: Notification.objects.get(pk=n.pk).detail for d, n in notices.items()} == {
        "İşlemde": "islemde", "Resolved": "cozuldu", "bilinmeyen": "bilinmeyen"}
    with translation.override("en"):
        assert Notification.objects.get(pk=notices["İşlemde"].pk).text().endswith("is now: In progress.")
        assert Notification.objects.get(pk=notices["bilinmeyen"].pk).text().endswith("is now: bilinmeyen.")
