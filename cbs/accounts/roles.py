"""The staff roles (Django groups with Turkish names) and what each may do by default."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Role:
    """A role: group name, and default grants as (resource, level) pairs ("*" = every layer)."""

    key: str
    name: str
    grants: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    staff: bool = True
    superuser: bool = False


ROLES: tuple[Role, ...] = (
    Role("editor", "CBS editörü", (("layers:*", "edit"),)),
    Role("viewer", "CBS görüntüleyici", (("layers:*", "view"),)),
    Role("helpdesk", "Yardım masası", (("module:tickets", "edit"), ("module:assets", "view"))),
    Role("technician", "Teknisyen", (("module:tickets", "edit"), ("module:assets", "edit"))),
    Role("manager", "Birim yöneticisi", (("layers:*", "view"), ("module:tickets", "view"),
                                         ("module:assets", "view"), ("module:reports", "view"))),
    Role("sysadmin", "Sistem yöneticisi", (), superuser=True),
    # Every active account holds it by default (cbs/accounts/apps.py): self-service tickets about
    # the holder's own work and equipment, no back-office module.
    Role("personel", "Personel", (), staff=False),
)

DEFAULT_ROLE = "personel"


def role(key: str) -> Role:
    return next(r for r in ROLES if r.key == key)

MODULES = ("tickets", "assets", "reports")
