from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layers.selectors import layer_summaries


def home(request: HttpRequest) -> HttpResponse:
    """Start page: what the site holds and where the OGC API is."""
    return render(request, "cbs/home.html", {"layers": layer_summaries()})
