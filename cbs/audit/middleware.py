"""Request id, actor context and the access log for every request."""

from collections.abc import Callable
from contextvars import Token
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ipware import get_client_ip

from .context import Actor, current
from .request_ids import new_request_id
from .services import access_record


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: the access log, the audit trail, partner tokens' IP allow-lists and
    the login lockout all read it here.

    With CBS_TRUSTED_PROXY_COUNT = 0 it is the connecting peer (REMOTE_ADDR); a client's own
    X-Forwarded-For is ignored. With N trusted reverse proxies in front of the app it is the
    N-th address from the right of X-Forwarded-For: the one our outermost proxy saw. Whatever
    a client writes further left is never read (django-ipware; our nginx overwrites the header
    with `$remote_addr`). A request that came through fewer proxies than that (a health check
    from inside the network) gets its peer address.
    """
    proxies = settings.CBS_TRUSTED_PROXY_COUNT
    peer = request.META.get("REMOTE_ADDR") or None
    if proxies == 0:
        return _peer_ip(peer)
    # ipware counts the proxies named inside the header; the nearest one is REMOTE_ADDR.
    # Not strict: addresses a client put in front of the chain are skipped, not trusted.
    address, _routable = get_client_ip(request, proxy_order="left-most", proxy_count=proxies - 1,
                                       request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False)
    return address or peer


class _Peer:
    """What django-ipware reads of a request without proxies: its REMOTE_ADDR."""

    def __init__(self, peer: str | None):
        self.META = {"REMOTE_ADDR": peer} if peer else {}


@lru_cache(maxsize=4096)
def _peer_ip(peer: str | None) -> str | None:
    # A function of the peer's address only: ipware's parsing is done once per caller (it was
    # ~0.1 ms of every request). The header of a proxied request is the client's to vary: never cached.
    address, _routable = get_client_ip(_Peer(peer), proxy_count=0, request_header_order=["REMOTE_ADDR"],
                                       strict=True)
    return address or peer


def access_identity(request: HttpRequest) -> tuple[str, str]:
    """(user name, institution) of the request's access record."""
    caller = getattr(request, "cbs_caller", None)
    # A staff member's API token acts as that member (and is rate limited as such).
    user = caller.user if caller is not None and caller.token is not None and caller.user \
        else getattr(request, "user", None)
    return (user.get_username() if user is not None and user.is_authenticated else "",
            caller.institution_name if caller is not None else "")


def begin_request(request: HttpRequest) -> Token:
    """Give the request its id and make it the actor of what it writes; the token ends it."""
    request.request_id = new_request_id()
    return current.set(Actor(request_id=request.request_id, source_ip=client_ip(request)))


def finish_request(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Name the request's id in the response and write its access record (Law 5651)."""
    response["X-Request-ID"] = request.request_id
    if getattr(request, "cbs_access_recorded", False):
        return response  # the view's own statement wrote it (ogc.fast_items)
    size = len(response.content) if not response.streaming else 0
    user, institution = access_identity(request)
    access_record(method=request.method, path=request.get_full_path(), status=response.status_code,
                  size=size, user=user, institution=institution)
    return response


def end_request(token: Token) -> None:
    current.reset(token)


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID) and records it in the access log afterwards
    (the fast lane takes the same three steps: cbs/lane_chain.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = begin_request(request)
        try:
            return finish_request(request, self.get_response(request))
        finally:
            end_request(token)
