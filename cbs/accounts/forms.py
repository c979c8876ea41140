from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .lockout import login_lockout


class LockoutMixin:
    """Tells a user locked out from this address so, and until when, instead of the generic
    wrong-password message (django-axes refuses the attempt before any password is checked)."""

    def clean_username(self):
        # AuthenticationForm sets max_length after its field is built, so it is never checked:
        # an over-long name reached django-axes' varchar(255) (a 500 instead of a form error).
        username = self.cleaned_data.get("username") or ""
        if len(username) > 150:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})
        return username

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
