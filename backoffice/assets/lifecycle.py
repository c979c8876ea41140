"""The status lifecycle of devices, cameras and fiber links: which moves are allowed."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DeviceStatus as S

ALLOWED: dict[str, set[str]] = {
    S.PLANNED: {S.INSTALLED, S.RETIRED},
    S.INSTALLED: {S.ACTIVE, S.FAULTY, S.RETIRED},
    S.ACTIVE: {S.FAULTY, S.RETIRED},
    S.FAULTY: {S.ACTIVE, S.RETIRED},
    S.RETIRED: set(),
}


def check_status_move(old: str | None, new: str) -> None:
    """ValidationError naming both states when `old` → `new` is not an allowed move."""
    if old is None or old == new or new in ALLOWED.get(old, set()):
        return
    allowed = ", ".join(str(S(s).label) for s in sorted(ALLOWED.get(old, set()))) or _("none")
    raise ValidationError({"durum": _("A %(old)s asset cannot become %(new)s (allowed: %(allowed)s).")
                           % {"old": S(old).label, "new": S(new).label, "allowed": allowed}})
