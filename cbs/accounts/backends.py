"""Authentication with lockout after repeated failures (LDAP/AD can be added as a second backend)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LoginFailure


def _ip(request) -> str | None:
    from cbs.audit.middleware import client_ip

    return client_ip(request) if request is not None else None


def is_locked_out(username: str) -> bool:
    """Too many failures for this user name within the lockout window."""
    since = timezone.now() - timedelta(minutes=settings.CBS_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(username__iexact=username, time__gte=since).count()
    return recent >= settings.CBS_LOCKOUT_FAILURES


class LockoutModelBackend(ModelBackend):
    """Django's model backend that refuses a user name after N failures in M minutes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username and is_locked_out(username):
            # PermissionDenied stops Django trying other backends; the form shows a generic error.
            raise PermissionDenied(_("Too many failed logins; try again later."))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username:
            LoginFailure.objects.create(username=username[:150], source_ip=_ip(request))
        elif user is not None:
            LoginFailure.objects.filter(username__iexact=username).delete()
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
