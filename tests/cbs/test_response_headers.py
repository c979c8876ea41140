"""Fixed response headers checked once (cbs.response_headers) end up exactly as Django sets them."""

import pytest
from django.http import BadHeaderError, HttpResponse

from cbs import response_headers
from cbs.response_headers import put, put_all, put_default

PAIRS = (
    ("Content-Type", "application/json"),
    ("X-Powered-By", "pygeoapi 0.24.0"),
    ("content-language", "tr"),
    ("Vary", "Authorization, X-API-Key, Cookie, Accept, Accept-Language"),
    ("X-Title", "Zeytinburnu şehir haritası"),  # not Latin-1: MIME-encoded, as Django does
    ("X-Number", 7),  # not text: as str()
)


def _django(pairs, *, default=False) -> HttpResponse:
    response = HttpResponse("x")
    for name, value in pairs:
        if default:
            response.headers.setdefault(name, value)
        else:
            response[name] = value
    return response


def _same(a: HttpResponse, b: HttpResponse) -> None:
    assert list(a.items()) == list(b.items())
    assert a.serialize_headers() == b.serialize_headers()


@pytest.fixture(params=[True, False], ids=["checked once", "Django stores differently"])
def store_ok(request, monkeypatch):
    monkeypatch.setattr(response_headers, "STORE_OK", request.param)
    return request.param


def test_put_is_setting_the_header(store_ok):
    ours = HttpResponse("x")
    for name, value in PAIRS:
        put(ours, name, value)
    _same(ours, _django(PAIRS))
    put(ours, "CONTENT-TYPE", "text/csv")  # replaces case-insensitively, keeping its place
    theirs = _django(PAIRS)
    theirs["CONTENT-TYPE"] = "text/csv"
    _same(ours, theirs)


def test_put_all_is_setting_each_in_order(store_ok):
    ours = HttpResponse("x")
    put_all(ours, PAIRS)
    _same(ours, _django(PAIRS))


def test_put_default_keeps_what_is_there(store_ok):
    ours, theirs = HttpResponse("x"), HttpResponse("x")
    for response in (ours, theirs):
        response["X-Frame-Options"] = "SAMEORIGIN"
    for name, value in (("x-frame-options", "DENY"), *PAIRS):
        put_default(ours, name, value)
    theirs_pairs = (("x-frame-options", "DENY"), *PAIRS)
    for name, value in theirs_pairs:
        theirs.headers.setdefault(name, value)
    _same(ours, theirs)
    assert ours["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("name, value", [("X-Evil", "a\r\nSet-Cookie: x=1"), ("X-Evil\n", "a")])
def test_a_newline_is_refused_as_django_refuses_it(store_ok, name, value):
    with pytest.raises(BadHeaderError):
        put(HttpResponse("x"), name, value)
    with pytest.raises(BadHeaderError):
        put_all(HttpResponse("x"), ((name, value),))


def test_django_still_stores_headers_as_expected():
    """If this fails, Django changed how it stores headers: the module falls back (slower)."""
    assert response_headers._stores_as_expected()
