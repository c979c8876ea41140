import uuid
from types import SimpleNamespace

import pytest

from backoffice.tickets import services
from backoffice.tickets.models import Category
from backoffice.tickets.services import TicketInput
from cbs.testing import make_user


@pytest.fixture
def helpdesk(db):
    return make_user(("module:tickets", "edit"))


@pytest.fixture
def technician(db):
    user = make_user(("module:tickets", "edit"), ("module:assets", "edit"))
    user.email = "teknisyen@example.org"
    user.save()
    return user


@pytest.fixture
def camera_fault(db):
    """A citizen's report of a KGYS camera without picture (camera category: 30 min / 4 h)."""
    from backoffice.assets.models import Camera

    return TicketInput(
        title="Kamera görüntü yok", description="Kavşaktaki kameradan görüntü gelmiyor.", channel="telefon",
        category=Category.objects.get(name="Görüntü yok"), priority=2, requester_name="Ayşe Yılmaz",
        requester_phone="0532 123 45 67", requester_email="ayse@example.org", consent_note="sözlü, telefonda",
        camera=Camera.objects.order_by("tucbs_no").first())


@pytest.fixture
def committed_ticket(django_db_setup, django_db_blocker):
    """A ticket, a help-desk user and a technician with an address, committed (a worker process
    reads them). The users stay (deleting them would alter the audit records that name them)."""
    from django.contrib.auth import get_user_model

    from backoffice.assets.models import Camera
    from cbs.accounts.models import Grant

    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        users = get_user_model().objects
        helpdesk = users.create_user(f"mail-desk-{tag}", f"desk-{tag}@example.org", None, is_staff=True)
        technician = users.create_user(f"mail-tech-{tag}", f"teknisyen-{tag}@example.org", None, is_staff=True)
        for user in (helpdesk, technician):
            Grant.objects.create(user=user, resource="module:tickets", level="edit")
        ticket = services.ticket_open(data=TicketInput(
            title=f"Kamera görüntü yok {tag}", description="Kavşaktaki kameradan görüntü gelmiyor.",
            channel="telefon", category=Category.objects.get(name="Görüntü yok"), priority=2,
            requester_name="Ayşe Yılmaz", requester_email=f"ayse-{tag}@example.org", consent_note="sözlü",
            camera=Camera.objects.order_by("tucbs_no").first()), user=helpdesk)
    yield SimpleNamespace(ticket=ticket, helpdesk=helpdesk, technician=technician)
    with django_db_blocker.unblock():
        ticket.delete()
