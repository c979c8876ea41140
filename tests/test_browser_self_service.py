"""Self-service in a real headless Chromium: a member of staff (no help-desk grant) files a
request about one of their zimmet items, the help desk resolves it, the staff member confirms
the fix and rates it 4/5; the reopen path; another person's request and the queue stay closed."""

import os
import uuid

import pytest

from tests.test_browser import _login, browser, page  # noqa: F401  (the shared Chromium fixtures)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def live_employee(django_db_setup, django_db_blocker):
    """A committed account with the default role only, linked to a sample staff record that holds
    items; its tickets and the link are removed afterwards."""
    from django.contrib.auth import get_user_model

    from backoffice.assets.models import Staff
    from backoffice.tickets import services
    from backoffice.tickets.models import Category, Ticket

    username, password = f"live-personel-{uuid.uuid4().hex[:6]}", "live-personel-pass-1"
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(username, f"{username}@example.org", password)
        staff = Staff.objects.get(registry_no="1300")
        staff.user = user
        staff.save()
        colleague = Staff.objects.get(registry_no="1301")
        others = services.ticket_open(data=services.TicketInput(  # a colleague's request, never to be seen
            title="Başkasının talebi", description="x", channel="web", category=Category.objects.get(name="Monitör"),
            priority=3, requester_staff=colleague, address="Oda 12"))
    yield (username, password), staff, others.number
    with django_db_blocker.unblock():
        Ticket.objects.filter(requester_staff__in=[staff, colleague]).delete()
        Staff.objects.filter(pk=staff.pk).update(user=None)


def _open_request(page, live_site, title: str) -> str:
    page.goto(live_site + "/requests/new/")
    page.fill("#id_title", title)
    page.click(".ts-wrapper:has(#id_category-ts-control) .ts-control")
    page.keyboard.type("Yazıcı")
    page.click(".ts-dropdown .option:has-text('Yazıcı / tarayıcı')")
    page.check("#my-items input[value]:not([value=''])")
    page.click("#request-save")
    page.wait_for_selector("#request-title")
    return page.inner_text("#request-title").split(" · ")[0]


def _resolve(browser, live_site, live_helpdesk, number: str):
    """The help desk, in its own browser, writes an internal note (the default kind), takes the
    ticket into work and resolves it with a note for the requester."""
    context = browser.new_context(locale="tr-TR")
    desk = context.new_page()
    _login(desk, live_site, live_helpdesk)
    desk.goto(f"{live_site}/tickets/{number}/")
    assert desk.is_checked("#comment-kind input[value='not']")
    desk.fill("#comment-form textarea[name=text]", "İç not: garanti bitmiş")
    desk.click("#comment-form button[type=submit]")
    desk.select_option("#id_status", "islemde")
    desk.click("#transition-form button[type=submit]")
    desk.select_option("#id_status", "cozuldu")
    desk.fill("#transition-form textarea[name=note]", "Toner değiştirildi.")
    desk.click("#transition-form button[type=submit]")
    assert "Çözüldü" in desk.inner_text("#ticket-status")
    context.close()


class SelfServiceBrowserTests:
    def test_file_resolve_confirm_and_rate(self, page, live_site, db, live_employee, live_helpdesk, browser):  # noqa: F811
        from backoffice.tickets.models import Feedback, Status, Ticket

        credentials, staff, _other = live_employee
        _login(page, live_site, credentials)
        number = _open_request(page, live_site, "Yazıcı çıktı vermiyor")
        ticket = Ticket.objects.get(number=number)  # committed by the live server (read committed)
        assert ticket.requester_staff_id == staff.pk and ticket.item is not None
        assert ticket.item.assignments.filter(staff=staff, returned_on__isnull=True).exists()
        assert ticket.channel == "web" and ticket.team.name == "Teknik Destek"
        _resolve(browser, live_site, live_helpdesk, number)
        page.goto(live_site + "/requests/")
        page.click(f"#my-requests a:has-text('{number}')")
        assert "Toner değiştirildi." in page.inner_text("#request-events")
        assert "İç not" not in page.content()
        page.click("#confirm-fix")
        page.wait_for_selector("#rate-form")
        page.click("#rate-form label:has-text('4')")
        page.click("#rate")
        page.wait_for_selector("#feedback-given")
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED
        assert Feedback.objects.get(ticket=ticket).rating == 4
        assert page.console_errors == [] and page.external_requests == []

    def test_reopen_and_no_way_into_the_help_desk(self, page, live_site, db, live_employee, live_helpdesk, browser):  # noqa: F811
        from backoffice.tickets.models import Status, Ticket

        credentials, _staff, other = live_employee
        _login(page, live_site, credentials)
        number = _open_request(page, live_site, "Tarayıcı tarama yapmıyor")
        _resolve(browser, live_site, live_helpdesk, number)
        page.reload()
        assert "Çözüldü" in page.inner_text("#request-status")
        page.fill("#id_reason", "Hâlâ taramıyor.")
        page.click("#reopen")
        page.wait_for_selector(".alert-success")
        assert Ticket.objects.get(number=number).status == Status.IN_PROGRESS
        assert page.goto(live_site + "/tickets/").status == 403
        assert page.goto(live_site + f"/tickets/{number}/").status == 403
        assert page.goto(live_site + f"/requests/{other}/").status == 404
        page.goto(live_site + "/requests/")
        assert page.locator("nav a[href='/tickets/']").count() == 0  # no way into the help desk
        assert other not in page.inner_text("#my-requests")
