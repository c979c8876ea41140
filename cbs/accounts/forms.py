from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .lockout import login_lockout


class LockoutMixin:
    """Tells a user locked out from this address so, and until when, instead of the generic
    wrong-password message (django-axes refuses the attempt before any password is checked)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username")
            lockout = login_lockout(request=self.request, username=username) if self.request else None
            if lockout is None:
                raise
            self.request.cbs_lockout_shown = True  # axes keeps this page (lockout_response)
            raise ValidationError(lockout.message(), code="locked") from None


class LoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    pass
