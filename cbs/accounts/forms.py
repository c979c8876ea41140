from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .backends import is_locked_out

LOCKED = _("Too many failed logins for this account. Try again in %(minutes)d minutes.")


class LockoutMixin:
    """Tells a locked-out user so, instead of the generic wrong-password message."""

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username")
        if username and is_locked_out(username):
            raise ValidationError(LOCKED % {"minutes": settings.CBS_LOCKOUT_MINUTES}, code="locked")
        return super().clean()


class LoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    pass
