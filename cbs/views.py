from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layers.selectors import layer_summaries
from ogc.gate import Caller, visible_collections


def home(request: HttpRequest) -> HttpResponse:
    """Start page: the layers this caller may see (with counts) and where the OGC API is."""
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    visible = visible_collections(caller)
    return render(request, "cbs/home.html",
                  {"layers": [s for s in layer_summaries() if s.name in visible]})
