"""The fast lane (cbs/fast_lane.py): cookie-less GIS clients' reads through the shorter stack get
the same answer, header for header, as through the site's whole middleware stack."""

import re
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory
from django.utils import translation

from cbs import fast_lane
from cbs.audit.context import current
from cbs.audit.models import AccessRecord
from tests.ogc.test_basic_auth import basic

STAMP = re.compile(rb'"timeStamp":"[^"]*"')
NONCE = re.compile(r"nonce-[\w-]+|(?<=nonce=\")[\w-]+")
NONCE_BYTES = re.compile(NONCE.pattern.encode())
# A page's CSRF token (cookie and form field) is new for each cookie-less request, and so is the
# session that holds it with CSRF_USE_SESSIONS.
CSRF_COOKIE = re.compile(r"(?<=csrftoken=)\w+|(?<=sessionid=)\w+|(?<=expires=)[^;]+")
CSRF_FIELD = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")\w+')
BBOX = "28.9,41.0,28.902,41.001"
WMS_CAPS = {"SERVICE": "WMS", "REQUEST": "GetCapabilities", "VERSION": "1.3.0"}
GETMAP = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "id-mahalle", "STYLES": "",
          "CRS": "EPSG:5254", "WIDTH": "64", "HEIGHT": "64", "FORMAT": "image/png",
          "BBOX": "4537772,404041,4544531,411697"}
WFS_PAGE = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "id-mahalle",
            "COUNT": "2", "OUTPUTFORMAT": "application/geo+json"}

# (path, query, headers): the fast items path, the generic items path and its HTML page, a
# refused parameter, a NUL, an unknown and a hidden collection, English, tiles, WMS and WFS,
# a wrong key (401 with the Basic challenge), an engine parameter that never passes.
REQUESTS = [
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX, "f": "json"}, {}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/ogc/collections/id-mahalle/items", {"limit": "2"}, {}),
    ("/ogc/collections/id-mahalle/items", {"limit": "2", "f": "html"}, {}),
    ("/ogc/collections/id-mahalle/items", {"limit": "2", "f": "html"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/ogc/collections/bi-bina/items", {"bbox": "1,2,3"}, {}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX, "adi": "a\x00b"}, {}),
    ("/ogc/collections/yok-boyle/items", {}, {}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_X_API_KEY": "wrong"}),
    ("/ogc/collections/id-mahalle/tiles/WebMercatorQuad/13/4757/3059", {"f": "mvt"}, {}),
    ("/ows/wms", WMS_CAPS, {}),
    ("/ows/wms", GETMAP, {}),
    ("/ows/wfs", WFS_PAGE, {}),
    ("/ows/wfs", WFS_PAGE, basic("nobody", "wrong-key")),
    ("/ows/wms", {**WMS_CAPS, "MAP": "/etc/passwd"}, {}),
    # A browser's 404 page (ogc.html_errors): its language form needs the csrftoken cookie.
    ("/ogc/collections/yok-boyle/items", {}, {"HTTP_ACCEPT": "text/html"}),
    ("/ogc/collections/id-mahalle/tiles/Nope", {"f": "html"}, {}),
    # No route: the site's 404 page.
    ("/ogc/collections/id-mahalle/tiles/a/b/c/d/e", {}, {}),
    # The lane's chain (cbs/lane_chain.py): languages by header (an invalid header counts as
    # none), HTTPS (HSTS), a NUL outside the OGC API (an exception raised while entering).
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_ACCEPT_LANGUAGE": "de-DE, tr;q=0.5"}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_ACCEPT_LANGUAGE": "*"}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_ACCEPT_LANGUAGE": "xx-" + "y" * 300 + ", en"}),
    ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"secure": True}),
    ("/ows/wms", {**WMS_CAPS, "SERVICE": "W\x00MS"}, {}),
]


@contextmanager
def _handlers_keep_the_test_connection():
    # As django.test.Client does: the request signals must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# The X-Request-ID of the last _call (compared with its access record; left out of the answer).
LAST = {}


def _call(handler, path: str, query: dict, headers: dict) -> tuple[str, list, bytes]:
    environ = RequestFactory().get(path, query, **headers).environ
    answer = {}
    # Each stack must choose the language itself: Django leaves the last one active on the thread.
    translation.deactivate()

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    with _handlers_keep_the_test_connection():
        response = handler(environ, start_response)
        body = b"".join(response)
        response.close()
    # A request's own id and the nonce of an HTML page's scripts differ by design.
    LAST["request_id"] = dict(answer["headers"]).get("X-Request-ID")
    headers = [(k, CSRF_COOKIE.sub("", NONCE.sub("nonce-", v))) for k, v in answer["headers"]
               if k != "X-Request-ID"]
    return answer["status"], headers, CSRF_FIELD.sub(b"", NONCE_BYTES.sub(b"nonce-", STAMP.sub(b"", body)))


@pytest.fixture(scope="module")
def both_handlers():
    return WSGIHandler(), fast_lane.LaneHandler()


@pytest.mark.parametrize(("path", "query", "headers"), REQUESTS, ids=[f"{i}" for i in range(len(REQUESTS))])
def test_lane_answers_as_the_whole_stack(db, both_handlers, path, query, headers):
    site, lane = both_handlers
    before = AccessRecord.objects.count()
    actor = current.get()
    whole = _call(site, path, query, headers)
    whole_id = LAST["request_id"]
    assert AccessRecord.objects.count() == before + 1
    short = _call(lane, path, query, headers)
    assert AccessRecord.objects.count() == before + 2, "the lane request was not recorded"
    assert current.get() == actor, "the lane left its request's actor set on the thread"
    # Both records alike, each under its response's own X-Request-ID.
    fields = ("request_id", "source_ip", "user", "institution", "method", "path", "status", "bytes", "purpose")
    records = list(AccessRecord.objects.order_by("-id").values(*fields)[:2])
    assert records[1]["request_id"] == whole_id and records[0]["request_id"] == LAST["request_id"] != whole_id
    assert {**records[0], "request_id": ""} == {**records[1], "request_id": ""}
    assert short[0] == whole[0]
    assert dict(short[1]) == dict(whole[1])
    assert short == whole
    assert fast_lane.takes_lane(RequestFactory().get(path, query, **headers).environ)


def test_lane_stack_is_the_sites_without_the_skipped_ones():
    lane = fast_lane.lane_middleware()
    assert lane == [m for m in settings.MIDDLEWARE if m not in fast_lane.SKIPPED]
    assert "django.middleware.csrf.CsrfViewMiddleware" in lane
    assert "cbs.audit.middleware.RequestContextMiddleware" in lane


def test_every_middleware_is_run_or_skipped_for_a_reason():
    """A middleware added to the site must be placed: run in the lane, or skipped with a reason."""
    unplaced = [m for m in settings.MIDDLEWARE if m not in fast_lane.RUN and m not in fast_lane.SKIPPED]
    assert unplaced == []


@pytest.mark.parametrize(("method", "path", "headers", "expected"), [
    ("GET", "/ogc/collections/bi-bina/items", {}, True),
    ("HEAD", "/ogc/collections/bi-bina/tiles/WebMercatorQuad/15/1/2", {}, True),
    ("GET", "/ows/wfs", {}, True),
    ("GET", "/ogc/collections/bi-bina/items", {"HTTP_COOKIE": "sessionid=x"}, False),
    ("GET", "/ogc/collections/bi-bina/items", {"HTTP_COOKIE": "django_language=en"}, False),
    ("POST", "/ogc/collections/bi-bina/items", {}, False),
    ("PATCH", "/ogc/collections/bi-bina/items/1", {}, False),
    ("GET", "/ogc/collections/bi-bina/items/1", {}, False),
    ("GET", "/ogc/collections/bi-bina", {}, False),
    ("GET", "/ogc/", {}, False),
    ("GET", "/ows/wms/x", {}, False),
    ("GET", "/static/cbs/js/app.js", {}, False),
    ("GET", "/harita/", {}, False),
])
def test_which_requests_take_the_lane(method, path, headers, expected):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, **headers}
    assert fast_lane.takes_lane(environ) is expected


def test_a_browsers_404_page_through_the_lane_has_a_working_language_form(db, client):
    """The HTML 404 of a hidden collection (a link to a protocol layer opened in a browser with
    no cookie yet) takes the lane; the token of its language form comes with its cookie."""
    status, headers, body = _call(fast_lane.LaneHandler(), "/ogc/collections/yok-boyle/items", {},
                                  {"HTTP_ACCEPT": "text/html"})
    assert status.startswith("404")
    environ = RequestFactory().get("/ogc/collections/yok-boyle/items", HTTP_ACCEPT="text/html").environ
    page = {}
    with _handlers_keep_the_test_connection():
        response = fast_lane.LaneHandler()(environ, lambda s, h, e=None: page.update(headers=h))
        html = b"".join(response).decode()
        response.close()
    cookie = next(v for k, v in page["headers"] if k == "Set-Cookie" and "csrftoken=" in v)
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', html).group(1)
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.cookies["csrftoken"] = re.search(r"csrftoken=(\w+)", cookie).group(1)
    answer = csrf_client.post("/i18n/setlang/", {"language": "en", "next": "/ogc/",
                                                 "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_remembered_matches_follow_the_urlconf(db):
    """A match is remembered per URL resolver: after clear_url_caches() (a changed or reloaded
    URLconf) the old match is not used; long, caller-chosen paths are not remembered."""
    from django.urls import clear_url_caches

    lane = fast_lane.LaneHandler()
    fast_lane._resolve.cache_clear()
    _call(lane, "/ows/wms", WMS_CAPS, {})
    _call(lane, "/ows/wms", WMS_CAPS, {})
    assert (fast_lane._resolve.cache_info().hits, fast_lane._resolve.cache_info().misses) == (1, 1)
    clear_url_caches()
    _call(lane, "/ows/wms", WMS_CAPS, {})
    assert fast_lane._resolve.cache_info().misses == 2
    long_id = "x" * fast_lane.CACHED_PATH_MAX
    assert _call(lane, f"/ogc/collections/{long_id}/items", {}, {})[0].startswith("404")
    assert fast_lane._resolve.cache_info().currsize == 2


def test_head_requests_answer_as_the_whole_stack(db, both_handlers):
    site, lane = both_handlers
    for path, query in (("/ogc/collections/bi-bina/items", {"bbox": BBOX}), ("/ows/wms", WMS_CAPS)):
        environ = RequestFactory().head(path, query).environ
        assert fast_lane.takes_lane(environ)
        answers = []
        for handler in (site, lane):
            got = {}
            with _handlers_keep_the_test_connection():
                response = handler(dict(environ), lambda s, h, e=None, got=got: got.update(status=s, headers=h))
                got["body"] = STAMP.sub(b"", b"".join(response))
                response.close()
            got["headers"] = [(k, v) for k, v in got["headers"] if k != "X-Request-ID"]
            answers.append(got)
        assert answers[0] == answers[1]


@pytest.mark.parametrize("changed", [
    {"SECURE_SSL_REDIRECT": True},
    {"PREPEND_WWW": True},
    {"CSRF_USE_SESSIONS": True},
    {"DISALLOWED_USER_AGENTS": [re.compile("bot")]},
    {"SECURE_HSTS_SECONDS": 0, "SECURE_REFERRER_POLICY": "no-referrer, strict-origin",
     "SECURE_CROSS_ORIGIN_OPENER_POLICY": None, "X_FRAME_OPTIONS": "SAMEORIGIN"},
], ids=["ssl-redirect", "prepend-www", "csrf-in-session", "user-agents", "other-headers"])
def test_settings_the_short_steps_hand_over_answer_as_the_whole_stack(db, changed):
    """Where a setting makes a step's short form wrong, the step hands the request to the
    middleware itself: the answer stays the whole stack's."""
    from django.test import override_settings

    with override_settings(**changed):
        site, lane = WSGIHandler(), fast_lane.LaneHandler()  # built as at start-up, with the settings
        for path, query, headers in (
                ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {}),
                ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"secure": True}),
                ("/ogc/collections/bi-bina/items", {"bbox": BBOX}, {"HTTP_USER_AGENT": "a bot"}),
                # A page with a form: its CSRF token goes to the cookie, or to a new session.
                ("/ogc/collections/yok-boyle/items", {}, {"HTTP_ACCEPT": "text/html"})):
            assert _call(lane, path, query, headers) == _call(site, path, query, headers)


def test_accept_language_answers_are_remembered_for_short_headers_only(db):
    from cbs import lane_chain

    lane = fast_lane.LaneHandler()
    lane_chain._language_of.cache_clear()
    _call(lane, "/ows/wms", WMS_CAPS, {"HTTP_ACCEPT_LANGUAGE": "en"})
    _call(lane, "/ows/wms", WMS_CAPS, {"HTTP_ACCEPT_LANGUAGE": "en"})
    long_header = "en;q=0.9, " + ", ".join(["de;q=0.1"] * (lane_chain.REMEMBERED_HEADER_MAX // 8))
    status, headers, _body = _call(lane, "/ows/wms", WMS_CAPS, {"HTTP_ACCEPT_LANGUAGE": long_header})
    info = lane_chain._language_of.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    assert dict(headers)["Content-Language"] == "en"


def test_an_exception_while_a_step_leaves_is_answered_and_the_outer_steps_still_leave(db, monkeypatch):
    """As in Django's stack: a failing middleware's exception becomes the response (500 here)
    that the middleware outside it get."""
    from cbs.audit import middleware as audit_middleware

    def broken(request, response):
        raise RuntimeError("the access log is down")
    monkeypatch.setattr(audit_middleware, "finish_request", broken)
    site, lane = WSGIHandler(), fast_lane.LaneHandler()
    path, query = "/ows/wms", WMS_CAPS
    whole, short = _call(site, path, query, {}), _call(lane, path, query, {})
    assert whole[0].startswith("500")
    assert short == whole


def test_a_host_the_site_does_not_serve_is_refused_as_by_the_whole_stack(db):
    """The host check fails while a step enters (CommonMiddleware's): the 400 is what the steps
    outside it leave with, and neither stack gives the request an id or a record."""
    from django.test import override_settings

    with override_settings(ALLOWED_HOSTS=["testserver"]):
        site, lane = WSGIHandler(), fast_lane.LaneHandler()
        before = AccessRecord.objects.count()
        query = {"bbox": BBOX}
        whole = _call(site, "/ogc/collections/bi-bina/items", query, {"HTTP_HOST": "evil.example"})
        short = _call(lane, "/ogc/collections/bi-bina/items", query, {"HTTP_HOST": "evil.example"})
    assert whole[0].startswith("400")
    assert short == whole
    assert AccessRecord.objects.count() == before


def _tile_matrix_set_with_a_slash(request, collection_id):
    from django.http import HttpResponse

    return HttpResponse("found")


# A URLconf (this module's, for the next test) whose lane path exists only with a trailing slash.
urlpatterns = []


def test_a_404_that_common_middleware_redirects_is_redirected_as_by_the_whole_stack(db):
    """A lane path that is not found but exists with a slash: APPEND_SLASH's redirect, as
    CommonMiddleware gives it (the step hands every 404 to it)."""
    from django.test import override_settings
    from django.urls import path as url

    urlpatterns[:] = [url("ogc/collections/<str:collection_id>/tiles/slash/", _tile_matrix_set_with_a_slash)]
    try:
        with override_settings(ROOT_URLCONF=__name__, APPEND_SLASH=True):
            site, lane = WSGIHandler(), fast_lane.LaneHandler()
            whole = _call(site, "/ogc/collections/bi-bina/tiles/slash", {}, {})
            short = _call(lane, "/ogc/collections/bi-bina/tiles/slash", {}, {})
    finally:
        urlpatterns.clear()
    assert whole[0].startswith("301")
    assert short == whole


def test_an_exception_django_lets_through_leaves_no_actor_on_the_thread(db, monkeypatch):
    """With DEBUG_PROPAGATE_EXCEPTIONS a view's exception leaves the stack: the request's actor is
    reset all the same, as the access-log middleware's `finally` does in the whole stack."""
    from django.test import override_settings

    from ogc import fast_items

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(fast_items, "answer", broken)
    actor = current.get()
    with override_settings(DEBUG_PROPAGATE_EXCEPTIONS=True):
        lane = fast_lane.LaneHandler()
        with pytest.raises(RuntimeError, match="boom"):
            _call(lane, "/ogc/collections/bi-bina/items", {"bbox": BBOX}, {})
    assert current.get() == actor
