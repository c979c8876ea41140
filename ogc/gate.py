"""The one access gate of the OGC API: who is calling, and which collections may it see?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from cbs.audit.middleware import client_ip
from cbs.partners.basic_auth import basic_password
from cbs.partners.browser import session_token
from cbs.partners.models import ApiToken, Kurum, Protokol
from cbs.partners.tokens import token_authenticate
from layers.models import PublicationState
from layers.state import LayerState, layer_state
from layers.registry import Access, all_layers


@dataclass(frozen=True)
class Caller:
    """The resolved caller of one request."""

    kind: str  # "anonymous" | "partner" | "staff"
    user: Any = None
    kurum: Kurum | None = None
    token: ApiToken | None = None

    @property
    def institution_name(self) -> str:
        return self.kurum.name if self.kurum is not None else ""


def presented_token(request: HttpRequest) -> str | None:
    """A partner token from `Authorization: Bearer …`, `X-API-Key`, or as the password of HTTP
    Basic (cbs.partners.basic_auth; read from META: building `request.headers` costs more than
    the rest of a cached tile request's Python). An empty or unreadable Basic password is
    presented as "" and refused like a wrong key."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    basic = basic_password(request)
    if basic is not None:
        return basic
    return request.META.get("HTTP_X_API_KEY") or None


def resolve_caller(request: HttpRequest) -> Caller:
    """Token first (TokenRejected if it is not usable), then the session, else anonymous."""
    value = presented_token(request)
    if value is not None:
        token = token_authenticate(value, source_ip=client_ip(request))
        if token.user is not None:  # a staff member's token: that member's rights
            return Caller("staff", user=token.user, token=token)
        return Caller("partner", kurum=token.kurum, token=token)
    held = session_token(request)  # a key entered on the partner page (cbs.partners.browser)
    if held is not None:
        return Caller("partner", kurum=held.kurum, token=held)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return Caller("staff", user=user)
    return Caller("anonymous")


def public_layers(states: dict[str, str]) -> set[str]:
    return {
        layer.name for layer in all_layers()
        if states.get(layer.name) == PublicationState.HERKESE_ACIK
        and not layer.sensitive and layer.access != Access.INTERNAL
    }


def partner_layers(kurum: Kurum, states: dict[str, str]) -> set[str]:
    today = timezone.localdate()
    granted = {
        name for protokol in Protokol.objects.filter(kurum=kurum, valid_from__lte=today,
                                                     valid_to__gte=today)
        for name in protokol.layers
    }
    shareable = {PublicationState.PROTOKOLLU, PublicationState.HERKESE_ACIK}
    return {
        layer.name for layer in all_layers()
        if layer.name in granted and states.get(layer.name) in shareable
        and layer.access != Access.INTERNAL
    }


def public_or_protocol(states: dict[str, str]) -> set[str]:
    """Layers published to someone outside (public, or partners under a protocol): what the
    WMS/WFS engine may read at all (ogc/ows_role.py)."""
    shareable = {PublicationState.PROTOKOLLU, PublicationState.HERKESE_ACIK}
    return {layer.name for layer in all_layers()
            if states.get(layer.name) in shareable and layer.access != Access.INTERNAL}


def visible_collections(caller: Caller, state: LayerState | None = None) -> frozenset[str]:
    """Collection ids the caller may see; every other collection answers 404 everywhere.
    `state`: the request's reading of layers.state, if it has one already."""
    states = (state or layer_state()).states
    visible = public_layers(states)
    if caller.kind == "partner":
        visible |= partner_layers(caller.kurum, states)
    elif caller.kind == "staff":
        from cbs.accounts.selectors import viewable_layers

        visible |= viewable_layers(caller.user)
    return frozenset(visible)
