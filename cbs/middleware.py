"""Response headers shared by every page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cbs import response_headers

# No inline script, nothing from other hosts: every asset is served by the site itself.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def content_security_policy(request: HttpRequest, *, frame_ancestors: str = "'none'") -> str:
    """The site's policy; map pages add the hosts of configured base maps (images only), and a
    page shown in a frame of our own (thematic maps in reports) may allow frame-ancestors 'self'."""
    extra = " ".join(getattr(request, "cbs_img_origins", ()))
    policy = CSP.replace("img-src 'self'", f"img-src 'self' {extra}") if extra else CSP
    return policy.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return with_content_security_policy(request, self.get_response(request))


def with_content_security_policy(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # The policy is the site's, with configured base-map hosts: a value from a small fixed set.
    response_headers.put_default(response, "Content-Security-Policy", content_security_policy(request))
    return response


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    # The query string can only decode to a NUL from a raw one or %00 (cheaper than parsing it).
    parts = [request.GET] if "\x00" in query or "%00" in query else []
    if request.method == "POST" and not request.path.startswith("/ogc/") and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        parts.append(request.POST)  # the OGC API reads JSON bodies (request.body) itself
    return any("\x00" in key or any("\x00" in value for value in values)
               for part in parts for key, values in part.lists())


class RejectNulMiddleware:
    """A NUL character in the path, query or form is refused with 400 before any view sees it.

    PostgreSQL cannot store or even compare text containing NUL (psycopg raises DataError), and
    no real input has one; Django's form fields refuse it, but raw parameters (search words,
    ticket numbers in URLs, saved filters) would reach SQL as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = nul_refusal(request)
        return refusal if refusal is not None else self.get_response(request)


def nul_refusal(request: HttpRequest) -> HttpResponse | None:
    """The OGC API's 400 for a request with a NUL (other pages: BadInput raised), or None."""
    if not _has_nul(request):
        return None
    from django.utils.translation import gettext as _

    message = _("The request contains a NUL character, which no field accepts.")
    if request.path.startswith("/ogc/"):
        from ogc.views import ogc_error

        return ogc_error(400, "InvalidParameterValue", message)
    from cbs.http import BadInput

    raise BadInput(message)
