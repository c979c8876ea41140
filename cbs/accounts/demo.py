"""Demo content for the embedded development setup: one account per role, publication states,
a partner institution with a protocol and a token. Never called by production settings."""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cbs.partners.models import ApiToken, Kurum, Protokol
from cbs.audit.services import audit_model_write, model_snapshot
from cbs.partners.tokens import token_create, token_prefix, token_revoke
from layers.models import PublicationState
from layers.publication import publication_set
from layers.registry import get_layer

from .roles import DEFAULT_ROLE, ROLES, role

default_role = role(DEFAULT_ROLE)

DEMO_USERS = {"editor": "editor", "viewer": "goruntuleyici", "helpdesk": "yardim",
              "technician": "teknisyen", "manager": "yonetici", "sysadmin": "admin", "personel": "personel"}
# Self-service demo: these accounts are linked to sample staff records (registry no) that hold
# equipment; "amir" heads the unit of "personel".
DEMO_STAFF = {"personel": "1100", "amir": "1101"}
DEMO_DECISION = ("2024/112", date(2024, 3, 7))
DEMO_PUBLICATION = {
    "id-mahalle": PublicationState.HERKESE_ACIK, "ad-yol": PublicationState.HERKESE_ACIK,
    "ul-karayolu": PublicationState.HERKESE_ACIK, "kh-hizmet": PublicationState.HERKESE_ACIK,
    "ak-imar": PublicationState.HERKESE_ACIK, "ad-numarataj": PublicationState.PROTOKOLLU,
    "bi-bina": PublicationState.PROTOKOLLU,
}
DEMO_KURUM = "İstanbul Büyükşehir Belediyesi (demo)"


def demo_users(password: str) -> list[tuple[str, str]]:
    """One account per role (user name, role name)."""
    User = get_user_model()
    made = []
    for role in ROLES:
        username = DEMO_USERS[role.key]
        user, created = User.objects.get_or_create(username=username)
        before = None if created else model_snapshot(user)
        user.is_staff, user.is_superuser, user.is_active = role.staff, role.superuser, True
        user.set_password(password)
        user.save()
        user.groups.set({Group.objects.get(name=role.name), Group.objects.get(name=default_role.name)})
        audit_model_write(action="create" if created else "update", obj=user, before=before,
                          after=model_snapshot(user))
        made.append((username, role.name))
    return made


def demo_staff(password: str) -> list[tuple[str, str]]:
    """Link the self-service demo accounts to sample staff records (when the inventory samples
    are loaded): "personel" files requests about their zimmet, "amir" heads their unit."""
    from backoffice.assets.models import Staff

    User = get_user_model()
    made = []
    for username, registry_no in DEMO_STAFF.items():
        staff = Staff.objects.select_related("unit").filter(registry_no=registry_no).first()
        if staff is None:
            continue
        user, created = User.objects.get_or_create(username=username)
        before = None if created else model_snapshot(user)
        user.is_staff, user.is_superuser, user.is_active = False, False, True
        user.first_name, _sep, user.last_name = staff.name.partition(" ")
        user.email = staff.email
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=default_role.name)])
        audit_model_write(action="create" if created else "update", obj=user, before=before,
                          after=model_snapshot(user))
        for record, changes in ((staff, {"user": user}),
                                (staff.unit, {"head": staff} if username == "amir" else {})):
            if changes and any(getattr(record, k) != v for k, v in changes.items()):
                before = model_snapshot(record)
                for key, value in changes.items():
                    setattr(record, key, value)
                record.save()
                audit_model_write(action="update", obj=record, before=before, after=model_snapshot(record))
        made.append((username, f"{default_role.name}: {staff.name}, {staff.unit}"))
    return made


def demo_publication() -> None:
    for name, state in DEMO_PUBLICATION.items():
        publication_set(layer=get_layer(name), state=state, decision_number=DEMO_DECISION[0],
                        decision_date=DEMO_DECISION[1])


def demo_partner() -> tuple[Kurum, str]:
    """The demo institution, its protocol, and a fresh token (earlier demo tokens revoked)."""
    kurum, created = Kurum.objects.get_or_create(
        name=DEMO_KURUM, defaults={"short_name": "İBB", "contact_email": "cbs@example.org"})
    if created:
        audit_model_write(action="create", obj=kurum, after=model_snapshot(kurum))
    protokol, created = Protokol.objects.get_or_create(
        kurum=kurum, title="Adres ve bina verisi paylaşımı",
        defaults={"number": "PRT-2024-07", "layers": ["ad-numarataj", "bi-bina"],
                  "valid_from": date(2024, 1, 1), "valid_to": date(2030, 12, 31)})
    if created:
        audit_model_write(action="create", obj=protokol, after=model_snapshot(protokol))
    value = os.environ.get("CBS_DEMO_PARTNER_TOKEN") or None
    for token in ApiToken.objects.filter(kurum=kurum, revoked_at__isnull=True):
        token_revoke(token=token)
    if value:  # a fixed demo value: replace the earlier token that carried it
        for old in ApiToken.objects.filter(kurum=kurum, prefix=token_prefix(value)):
            before = model_snapshot(old)
            old.delete()
            audit_model_write(action="delete", obj=old, before=before)
    _token, value = token_create(kurum=kurum, name="demo", value=value,
                                 expires_at=timezone.now() + timedelta(days=365))
    return kurum, value


def demo_everything() -> dict:
    password = settings.CBS_DEMO_PASSWORD
    users = list(dict(demo_users(password) + demo_staff(password)).items())  # staff links win
    demo_publication()
    kurum, token = demo_partner()
    return {"users": users, "kurum": kurum, "token": token}
