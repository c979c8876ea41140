"""The notification bell in a real Chromium: a technician assigned a ticket sees the unread count
in the navbar, opens the list, follows the notice to the ticket, and the count is gone."""

import re

import pytest

from tests.test_browser import _login, browser, page  # noqa: F401  (the shared Chromium fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def assigned_to_technician(django_db_blocker, live_technician, live_helpdesk):
    """A committed ticket assigned to the live technician by the live help desk (removed after)."""
    from django.contrib.auth import get_user_model

    from backoffice.assets.models import Camera
    from backoffice.tickets import services
    from backoffice.tickets.models import Category, Ticket
    from cbs.notifications.models import Notification

    users = get_user_model().objects
    with django_db_blocker.unblock():
        technician, desk = users.get(username=live_technician[0]), users.get(username=live_helpdesk[0])
        Notification.objects.filter(user=technician).delete()
        ticket = services.ticket_open(user=desk, data=services.TicketInput(
            title="Zil testi: kamera görüntü yok", description="Görüntü gelmiyor.", channel="telefon",
            category=Category.objects.get(name="Görüntü yok"), priority=2, requester_name="Ayşe Yılmaz",
            requester_phone="0532 123 45 67", consent_note="sözlü",
            camera=Camera.objects.order_by("tucbs_no").first()))
        services.ticket_assign(ticket=ticket, assignee=technician, user=desk)
    yield ticket
    with django_db_blocker.unblock():
        Notification.objects.filter(user=technician).delete()
        Ticket.objects.filter(pk=ticket.pk).delete()


def test_bell_count_list_and_follow(page, live_site, live_technician, assigned_to_technician, db):  # noqa: F811
    """The committed ticket is made before `db` opens the test transaction (the live server reads it)."""
    ticket = assigned_to_technician
    _login(page, live_site, live_technician)
    page.goto(live_site + "/tickets/mine/")
    assert page.locator("#notification-count").inner_text() == "1"
    page.click("#notification-bell")
    page.wait_for_url(re.compile(r"/notifications/$"))
    item = page.locator("#notification-list li").first
    assert f"{ticket.number} size atandı" in item.inner_text()
    item.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket.number}/$"))
    assert page.locator("#notification-count").count() == 0
    assert page.console_errors == [] and page.external_requests == []
