"""Template context: which back-office modules the user may open (for the navigation bar)."""

from django.utils.functional import SimpleLazyObject

from cbs.accounts.roles import MODULES
from cbs.accounts.selectors import user_can


def modules(request):
    user = getattr(request, "user", None)
    return {"cbs_modules": SimpleLazyObject(
        lambda: {m: bool(user and user.is_authenticated and user_can(user, f"module:{m}")) for m in MODULES})}
