"""View decorator for the back-office modules: login, then the module grant at a level."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from cbs.accounts.selectors import user_can


def module_required(module: str, level: str = "view"):
    """Anonymous → login page; without the `module:<module>` grant at `level` → 403."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_can(request.user, f"module:{module}", level):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorator
