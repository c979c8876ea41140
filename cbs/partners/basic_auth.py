"""A partner's key sent as HTTP Basic credentials (desktop GIS clients such as QGIS offer Basic
in their own authentication settings, not custom headers): the key is the password, the user
name is free (the key's name, the institution, anything)."""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest

REALM = "Kent CBS"


def basic_password(request: HttpRequest) -> str | None:
    """The password of `Authorization: Basic …`, or None if the header is not Basic or unreadable
    (read from META for the same reason as ogc.gate.presented_token)."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""  # presented, but unreadable: refused like a wrong key
    _user, sep, password = decoded.partition(":")
    return password.strip() if sep else ""


def uses_basic(request: HttpRequest) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "")[:6].lower() == "basic "


def challenge(request: HttpRequest) -> str:
    """The WWW-Authenticate value of a 401: Basic for clients that sent Basic (QGIS then asks for
    the key again), otherwise Bearer first and Basic offered too."""
    if uses_basic(request):
        return f'Basic realm="{REALM}", charset="UTF-8"'
    return f'Bearer realm="{REALM} OGC API", Basic realm="{REALM}", charset="UTF-8"'
