"""The fast lane: the machine clients' hottest reads through a shorter middleware stack.

GIS clients (QGIS, GDAL, OWSLib, a partner's portal, a load balancer's probe) send no cookies. For
them part of the site's middleware has nothing to do – no messages, no login lockout, no static
file – yet each layer of Django's stack costs time on every request (issue 16: on a small bbox the
whole stack was a third of our own per-request work). A cookie-less GET or HEAD of a lane route
(ROUTES) is therefore handled by Django's own WSGI handler with one middleware, the lane's chain
(cbs/lane_chain.py): the same views, the same URL resolving, signals and error handling, and the
work of every middleware that does something for such a request (RUN), in the site's order – so
the answer is the same, header for header (tests/cbs/test_fast_lane.py compares both stacks
request by request).

Every other request – a cookie (session, language, CSRF), another method, another path – takes
the full stack. SKIPPED says why each left-out middleware has nothing to do here; a middleware
added to settings.MIDDLEWARE must be named in one of the two (the test fails otherwise).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import ResolverMatch, URLResolver, get_resolver

from cbs.lane_chain import STEPS, LaneMiddleware

# Longer paths are resolved as Django does, not remembered: the cache's keys (and the collection id
# each match holds) are the caller's to choose.
CACHED_PATH_MAX = 200

# Paths the lane takes (PATH_INFO, without the script prefix): the OGC API's items and tiles of
# one collection, and WMS/WFS.
ROUTES = re.compile(r"/ogc/collections/[^/]+/(items|tiles/.+)|/ows/(wms|wfs)")

# The site's middleware the lane runs – each as a step of cbs/lane_chain.py, which does that
# middleware's work for a lane request – in settings.MIDDLEWARE's order (see lane_middleware).
# The session step gives the views an empty session and the auth step an anonymous user, as
# they expect (no query without a cookie); the gate looks for a partner key in the session,
# which marks the answer `Vary: Cookie`. CSRF has nothing to check on GET or HEAD, but a page a
# lane view renders can hold a form ({% csrf_token %}: the language switch of base.html on the
# HTML 404 of ogc.html_errors): without it, that page would come without its csrftoken cookie.
RUN = tuple(STEPS)
# The site's middleware the lane leaves out, and why it has nothing to do for a lane request.
SKIPPED = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "serves /static/ only; no lane route is static",
    "django.contrib.messages.middleware.MessageMiddleware": "no lane view adds a message",
    "axes.middleware.AxesMiddleware": "answers a lockout flagged by a failed login (authenticate()), "
                                      "which no lane view attempts; partner keys are checked by the gate",
    "cbs.db.RecentWriteMiddleware": "marks a browser after a write (POST, PUT, PATCH, DELETE); "
                                    "the lane takes GET and HEAD only",
}


def lane_middleware() -> list[str]:
    """settings.MIDDLEWARE without the skipped ones."""
    return [m for m in settings.MIDDLEWARE if m in RUN]


def takes_lane(environ: dict) -> bool:
    return (environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("HTTP_COOKIE")
            and ROUTES.fullmatch(environ.get("PATH_INFO", "")) is not None)


class LaneHandler(WSGIHandler):
    """Django's WSGI handler with the lane's middleware (and resolved routes remembered)."""

    def resolve_request(self, request):
        # The site's URLconf, as BaseHandler resolves it; a lane path resolves the same way every
        # time (no middleware of ours sets request.urlconf), so its match is remembered.
        if hasattr(request, "urlconf") or len(request.path_info) > CACHED_PATH_MAX:
            return super().resolve_request(request)
        # Keyed by the resolver itself: clear_url_caches() (a changed ROOT_URLCONF, a reloaded
        # URLconf) gives a new one, so a match is never older than the URLconf.
        match = _resolve(get_resolver(), request.path_info)
        request.resolver_match = match
        return match

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler builds the chain from settings.MIDDLEWARE: the lane's is one middleware,
        # the chain of steps of lane_middleware() (cbs/lane_chain.py), which it is handed here.
        # The handler is built once, at start-up, before any request is served, so swapping
        # the setting around the call is safe.
        site = settings.MIDDLEWARE
        LaneMiddleware.site_middleware = lane_middleware()
        settings.MIDDLEWARE = ["cbs.lane_chain.LaneMiddleware"]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site
            LaneMiddleware.site_middleware = ()


@lru_cache(maxsize=2048)
def _resolve(resolver: URLResolver, path: str) -> ResolverMatch:
    return resolver.resolve(path)


def with_lane(site_application: WSGIHandler):
    """The site's WSGI application with the lane in front of it."""
    lane = LaneHandler()

    def application(environ, start_response):
        if takes_lane(environ):
            return lane(environ, start_response)
        return site_application(environ, start_response)

    return application
