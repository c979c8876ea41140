"""Every new account gets the default role ("Personel": self-service tickets). A signal, because
accounts are made in many places (admin, createsuperuser, LDAP/SSO back ends, tests) and the
membership is a default, not workflow: administrators may take it away like any role."""

from django.contrib.auth.models import Group

from .roles import DEFAULT_ROLE, role


def give_default_role(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    group = Group.objects.filter(name=role(DEFAULT_ROLE).name).first()
    if group is not None:  # absent only before the accounts migrations ran
        instance.groups.add(group)
