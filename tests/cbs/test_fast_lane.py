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

from cbs import fast_lane
from cbs.audit.models import AccessRecord
from tests.ogc.test_basic_auth import basic

STAMP = re.compile(rb'"timeStamp":"[^"]*"')
NONCE = re.compile(r"nonce-[\w-]+|(?<=nonce=\")[\w-]+")
NONCE_BYTES = re.compile(NONCE.pattern.encode())
# A page's CSRF token (cookie and form field) is new for each cookie-less request.
CSRF_COOKIE = re.compile(r"(?<=csrftoken=)\w+|(?<=expires=)[^;]+")
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


def _call(handler, path: str, query: dict, headers: dict) -> tuple[str, list, bytes]:
    environ = RequestFactory().get(path, query, **headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    with _handlers_keep_the_test_connection():
        response = handler(environ, start_response)
        body = b"".join(response)
        response.close()
    # A request's own id and the nonce of an HTML page's scripts differ by design.
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
    whole = _call(site, path, query, headers)
    assert AccessRecord.objects.count() == before + 1
    short = _call(lane, path, query, headers)
    assert AccessRecord.objects.count() == before + 2, "the lane request was not recorded"
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
