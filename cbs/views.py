from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from layers.selectors import layer_summaries
from ogc.gate import Caller, visible_collections

from .http import BadInput, NotFound


def home(request: HttpRequest) -> HttpResponse:
    """Start page: the layers this caller may see (with counts) and where the OGC API is."""
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    visible = visible_collections(caller)
    return render(request, "cbs/home.html",
                  {"layers": [s for s in layer_summaries() if s.name in visible]})


# Error pages (cbs.urls handler400/403/404): the site's page, in the user's language. Only our
# own translated messages (BadInput, NotFound, PermissionDenied's text) are shown; Django's
# messages (English, sometimes revealing) are not.

def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "cbs/error.html", {"title": title, "message": message}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if isinstance(exception, BadInput) else _("The request could not be understood.")
    return _error_page(request, 400, _("Bad request"), message)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, 403, _("Not allowed"),
                       str(exception) or _("You are not allowed to open this page or do this."))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if isinstance(exception, NotFound) else _("There is no such page or object.")
    return _error_page(request, 404, _("Not found"), message)
