"""Response headers with fixed values, checked once instead of on every response.

Django checks every header it is given – the name as ASCII, the value as Latin-1 (or MIME-encoded),
no newline in either – each time it is set. A small-bbox answer of the OGC fast lane sets 14
headers, 11 of them fixed (the security headers, Vary, Content-Type, Content-Language …), and
those checks were a tenth of the request's own Python (issue 16, counted in bytecodes). Here a
(name, value) pair is checked by Django's own ResponseHeaders the first time and its checked
form remembered, then put into a response as Django itself stores it.

Only for values from a small fixed set – settings, the registry, the site's languages, a view's
constant – never a client's string, a length or an id (the cache's keys would be theirs to
choose): those are set the usual way. If Django ever stores headers differently, every call
falls back to setting them the usual way (STORE_OK).
"""

from __future__ import annotations

from functools import lru_cache

from django.http import HttpResponse
from django.http.response import ResponseHeaders


def _stores_as_expected() -> bool:
    probe = ResponseHeaders({"X-Probe": "value"})
    return getattr(probe, "_store", None) == {"x-probe": ("X-Probe", "value")}


STORE_OK = _stores_as_expected()


@lru_cache(maxsize=1024)
def checked(name: str, value: str) -> tuple[str, tuple[str, str]]:
    """(lookup key, stored item) of a header as ResponseHeaders stores it after its checks
    (BadHeaderError for a newline, as Django raises)."""
    probe = ResponseHeaders({})
    probe[name] = value
    ((key, item),) = probe._store.items()
    return key, item


def put(response: HttpResponse, name: str, value: str) -> None:
    """response[name] = value, for a fixed value."""
    if not STORE_OK:
        response.headers[name] = value
        return
    key, item = checked(name, value)
    response.headers._store[key] = item


@lru_cache(maxsize=256)
def _checked_all(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, tuple[str, str]], ...]:
    return tuple(checked(name, value) for name, value in pairs)


def put_all(response: HttpResponse, pairs: tuple[tuple[str, str], ...]) -> None:
    """response[name] = value for each fixed pair, in order."""
    if not STORE_OK:
        for name, value in pairs:
            response.headers[name] = value
        return
    response.headers._store.update(_checked_all(pairs))


def put_default(response: HttpResponse, name: str, value: str) -> None:
    """response.headers.setdefault(name, value), for a fixed value."""
    if not STORE_OK:
        response.headers.setdefault(name, value)
        return
    key, item = checked(name, value)
    store = response.headers._store
    if key not in store:
        store[key] = item
