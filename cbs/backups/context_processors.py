"""The backup warning for superusers on every page (cbs/templates/base.html, the admin)."""

from django.utils.functional import SimpleLazyObject


def backup_warning(request):
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated and user.is_superuser):
        return {"backup_warning": None}
    from .selectors import backup_problem

    # Lazy: the query runs only on pages that show it.
    return {"backup_warning": SimpleLazyObject(lambda: _Warning(backup_problem()))}


class _Warning:
    def __init__(self, problem):
        self.problem = problem

    def __bool__(self) -> bool:
        return self.problem is not None

    @property
    def message(self) -> str:
        return self.problem.message if self.problem else ""
