import pytest

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
