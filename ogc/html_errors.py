"""A page, not raw JSON, when a browser asks for an OGC page it may not see (404): the
collection may be shared under a protocol, so the page points to the partner key page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def wants_html(request: HttpRequest) -> bool:
    fmt = request.GET.get("f")
    if fmt is not None:
        return fmt == "html"
    return "text/html" in request.META.get("HTTP_ACCEPT", "")


def as_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response` unless it is a 404 for a browser: then a translated page with the same status."""
    if response.status_code != 404 or request.method != "GET" or not wants_html(request):
        return response
    return render(request, "ogc/not_found.html", {"path": request.path}, status=404)
