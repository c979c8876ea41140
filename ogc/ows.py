"""WMS 1.3.0 and WFS 2.0 behind the OGC access gate, served by MapServer (ogc/engine.py).

The caller is resolved by the same gate as the OGC API (session, Bearer, X-API-Key or HTTP
Basic); the mapfile holds only what that caller may see (ogc/mapfile.py); request parameters
are whitelisted and checked before the engine sees them: no MAP=, no layer or property name
outside the caller's published ones, only GET.
"""

from __future__ import annotations

from http import HTTPStatus
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cbs.partners.basic_auth import challenge
from cbs.partners.tokens import TokenRejected
from layers.state import layer_state

from .engine import EngineError, engine_call
from .gate import resolve_caller, visible_collections
from .mapfile import mapfile_for
from .ows_access import record_after_delivery
from .ows_params import BadOwsParameter, whitelisted

NAMESPACE = "kentcbs"


def exception_report(status: int, code: str, text: str, *, wfs: bool) -> HttpResponse:
    """An OGC exception document in the form the service's clients expect."""
    if wfs:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<ows:ExceptionReport '
                'xmlns:ows="http://www.opengis.net/ows/1.1" version="2.0.0">'
                f'<ows:Exception exceptionCode="{escape(code)}"><ows:ExceptionText>'
                f"{escape(text)}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>")
    else:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<ServiceExceptionReport version="1.3.0" '
                'xmlns="http://www.opengis.net/ogc">'
                f'<ServiceException code="{escape(code)}">{escape(text)}</ServiceException>'
                "</ServiceExceptionReport>")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _service(request: HttpRequest, service: str) -> HttpResponse:
    return record_after_delivery(request, _answer(request, service))


def _answer(request: HttpRequest, service: str) -> HttpResponse:
    wfs = service == "WFS"
    try:
        caller = resolve_caller(request)
    except TokenRejected as exc:
        response = exception_report(exc.status, "NotAuthorized", str(exc), wfs=wfs)
        if exc.status == HTTPStatus.UNAUTHORIZED:
            response["WWW-Authenticate"] = challenge(request)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    request.cbs_caller = caller  # for the access log (institution)
    state = layer_state()
    visible = visible_collections(caller, state)
    base_url = request.build_absolute_uri("/ows").rstrip("/")
    mapfile, layers = mapfile_for(visible, state.states, state.config_key, base_url)
    try:
        params = whitelisted(request.GET, service=service,
                             layers={layer.name: layer for layer in layers})
    except BadOwsParameter as exc:
        return exception_report(exc.status, exc.code, str(exc), wfs=wfs)
    try:
        status, headers, body = engine_call(mapfile, params, script_name=f"/ows/{service.lower()}",
                                            host=request.get_host().split(":")[0])
    except EngineError:
        return exception_report(HTTPStatus.SERVICE_UNAVAILABLE, "NoApplicableCode",
                                _("The map service is not available at the moment."), wfs=wfs)
    response = HttpResponse(body, status=status,
                            content_type=headers.get("content-type", "application/octet-stream"))
    response["Vary"] = "Authorization, X-API-Key, Cookie, Accept-Language"
    if caller.kind != "anonymous":
        response["Cache-Control"] = "private"
    return response


@require_http_methods(["GET", "HEAD"])
def wms(request: HttpRequest) -> HttpResponse:
    return _service(request, "WMS")


@require_http_methods(["GET", "HEAD"])
def wfs(request: HttpRequest) -> HttpResponse:
    return _service(request, "WFS")


__all__ = ["wms", "wfs"]
