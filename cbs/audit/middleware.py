"""Request id, actor context and the access log for every request."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import Actor, current
from .services import access_record


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy the app only sees the proxy; trust X-Forwarded-For only when
    # CBS_TRUST_X_FORWARDED_FOR is set (the proxy overwrites it).
    from django.conf import settings

    if settings.CBS_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID) and records it in the access log afterwards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = str(uuid.uuid4())
        token = current.set(Actor(request_id=request.request_id, source_ip=client_ip(request)))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            caller = getattr(request, "cbs_caller", None)
            # A staff member's API token acts as that member (and is rate limited as such).
            user = caller.user if caller is not None and caller.token is not None and caller.user \
                else getattr(request, "user", None)
            size = len(response.content) if not response.streaming else 0
            access_record(
                method=request.method, path=request.get_full_path(), status=response.status_code,
                size=size,
                user=user.get_username() if user is not None and user.is_authenticated else "",
                institution=caller.institution_name if caller is not None else "",
            )
            return response
        finally:
            current.reset(token)
