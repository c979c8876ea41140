"""/map/print: the map as a PDF (Yazdır) for the layers the caller may see."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cbs.db import replica_reads
from cbs.http import BadInput

from .printing import parse_print_request, print_map
from .registry import all_layers
from .views import visible_layer_names

MAX_LAYERS = 20


@require_GET
@replica_reads
def print_view(request: HttpRequest) -> HttpResponse:
    """A4/A3 PDF of the chosen layers at the chosen scale around the map's centre."""
    try:
        spec = parse_print_request(request.GET)
    except ValidationError as exc:
        raise BadInput(" ".join(exc.messages)) from None
    names = [n for n in (request.GET.get("layers") or "").split(",") if n][:MAX_LAYERS + 1]
    if len(names) > MAX_LAYERS:
        raise BadInput(_("Choose at most %(n)d layers.") % {"n": MAX_LAYERS})
    visible = visible_layer_names(request)
    unknown = [n for n in names if n not in visible]
    if unknown:  # hidden and missing layers read the same: nothing tells them apart
        raise BadInput(_("Unknown layer: %(name)s") % {"name": unknown[0][:60]})
    chosen = set(names)
    layers = [layer for layer in all_layers() if layer.name in chosen]
    pdf = print_map(spec, layers)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'inline; filename="harita-{stamp}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
