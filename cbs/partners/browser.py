"""A partner's key held by a browser session: entered once on a small page (POST, CSRF), then
the OGC API pages show the partner's protocol layers in that session until it expires or the
partner leaves. The session keeps the token's id and an expiry, never the key; every request
checks the token again (revocation, expiry, IP allow-list, rate limit) and is logged with the
institution, like a request with the key in a header."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from cbs.audit.middleware import client_ip
from cbs.audit.services import audit_record

from .models import ApiToken
from .tokens import TokenRejected, token_authenticate, token_check

SESSION_KEY = "cbs_partner_token"


def session_start(request: HttpRequest, value: str) -> ApiToken:
    """Check the key (TokenRejected if unusable) and bind it to this browser session."""
    token = token_authenticate(value, source_ip=client_ip(request))
    if token.kurum is None:  # staff tokens are for programs; staff log in
        raise TokenRejected(_staff_refused(), status=403)
    request.session.cycle_key()  # a new session id: the key's session is not one seen before
    expires = min(time.time() + settings.CBS_PARTNER_SESSION_SECONDS, token.expires_at.timestamp())
    request.session[SESSION_KEY] = {"id": token.pk, "expires": expires}
    audit_record(action="partner_session_start", object_type="partners.apitoken", object_id=token.pk,
                 object_repr=str(token), after={"kurum": token.kurum.name, "expires": int(expires)})
    return token


def _staff_refused() -> str:
    from django.utils.translation import gettext as _

    return _("This is a staff API token: log in instead.")


def session_end(request: HttpRequest) -> None:
    held = request.session.pop(SESSION_KEY, None)
    if held:
        token = ApiToken.objects.filter(pk=held["id"]).select_related("kurum").first()
        audit_record(action="partner_session_end", object_type="partners.apitoken",
                     object_id=held["id"], object_repr=str(token) if token else "", after={})
        request.session.cycle_key()


def session_token(request: HttpRequest) -> ApiToken | None:
    """The usable partner token this browser session holds, or None (an expired or refused one
    is dropped from the session). Rate-limited (TokenRejected 429) like a header key."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    held = session.get(SESSION_KEY)
    if not held:
        return None
    token = ApiToken.objects.select_related("kurum", "user").filter(pk=held["id"]).first()
    if token is None or held["expires"] <= time.time():
        session.pop(SESSION_KEY, None)
        return None
    try:
        return token_check(token, source_ip=client_ip(request))
    except TokenRejected as exc:
        if exc.status == 429:
            raise
        session.pop(SESSION_KEY, None)
        return None


def session_expiry(request: HttpRequest) -> float | None:
    held = getattr(request, "session", {}).get(SESSION_KEY)
    return held["expires"] if held else None
