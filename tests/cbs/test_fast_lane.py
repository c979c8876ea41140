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
    headers = [(k, NONCE.sub("nonce-", v)) for k, v in answer["headers"] if k != "X-Request-ID"]
    return answer["status"], headers, NONCE_BYTES.sub(b"nonce-", STAMP.sub(b"", body))


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
    assert "django.middleware.csrf.CsrfViewMiddleware" not in lane
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
