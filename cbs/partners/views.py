"""The partner's key page (/ogc/key/): enter the key once, browse the protocol layers in this
browser session, leave (cbs.partners.browser)."""

from __future__ import annotations

from datetime import datetime, timezone as dt_timezone
from http import HTTPStatus

from django import forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from layers.registry import get_layer

from .browser import session_end, session_expiry, session_start, session_token
from .tokens import TokenRejected


class KeyForm(forms.Form):
    key = forms.CharField(label=_("Institution key"), max_length=200, strip=True,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off", "autofocus": True,
                                                            "class": "form-control"}))


def _layers(request) -> tuple[list, list]:
    """(protocol layers of the partner, public layers) as registry layers, for the page."""
    from ogc.gate import Caller, visible_collections
    from layers.state import layer_state

    token = session_token(request)
    state = layer_state()
    public = visible_collections(Caller("anonymous"), state)
    mine = visible_collections(Caller("partner", kurum=token.kurum, token=token), state) if token else frozenset()
    as_layers = lambda names: [get_layer(n) for n in sorted(names)]  # noqa: E731
    return as_layers(mine - public), as_layers(public)


@never_cache
@require_http_methods(["GET", "POST"])
def partner_key(request):
    status = HTTPStatus.OK
    try:
        token = session_token(request)
    except TokenRejected as exc:  # rate limit
        token, status = None, exc.status
    form = KeyForm()
    if request.method == "POST":
        form = KeyForm(request.POST)
        if form.is_valid():
            try:
                session_start(request, form.cleaned_data["key"])
                return redirect("ogc:partner_key")
            except TokenRejected as exc:
                form.add_error("key", str(exc))
                status = HTTPStatus.TOO_MANY_REQUESTS if exc.status == 429 else HTTPStatus.BAD_REQUEST
        else:
            status = HTTPStatus.BAD_REQUEST
    protocol, public = _layers(request) if token is not None else ([], [])
    expires = session_expiry(request)
    context = {
        "form": form, "token": token, "protocol_layers": protocol, "public_layers": public,
        "expires": timezone.localtime(datetime.fromtimestamp(expires, tz=dt_timezone.utc)) if expires else None,
        "ogc_url": request.build_absolute_uri("/ogc"),
        "wms_url": request.build_absolute_uri("/ows/wms"),
        "wfs_url": request.build_absolute_uri("/ows/wfs"),
    }
    return render(request, "partners/key.html", context, status=status)


@require_POST
def partner_key_end(request):
    session_end(request)
    return redirect("ogc:partner_key")
