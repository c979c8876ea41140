"""GET /search/?q=…: search everywhere (cbs.search) as JSON for the map's search box."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ogc.gate import Caller, visible_collections

from .search import search_everywhere


@require_GET
def search_view(request: HttpRequest) -> JsonResponse:
    user = request.user
    caller = Caller("staff", user=user) if user.is_authenticated else Caller("anonymous")
    query = request.GET.get("q", "")
    if not isinstance(query, str) or "\x00" in query:
        query = ""
    groups = search_everywhere(query, user=user, visible=visible_collections(caller))
    return JsonResponse({"groups": groups}, json_dumps_params={"ensure_ascii": False})
