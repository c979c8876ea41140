"""Bad input gets a clear 4xx in the user's language, never a 5xx (docs security.md, 11).

Views raise `BadInput` (400) or `NotFound` (404) with a translated message; the site's error
handlers (`cbs.views.bad_request`, `page_not_found`) show that message on the site's own page.
Messages of other exceptions (Django's, English, possibly revealing) are never shown there.
The parsers here read numbers the way PostgreSQL can store them: ASCII digits (Python's
isdigit() also takes '²' and other digits int() refuses), within the column's range.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext as _

INTEGER_MAX = 2**31 - 1  # PostgreSQL integer (serial ids, most counts)
BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint (bigserial ids)


class BadInput(BadRequest):
    """400: a request parameter is unusable; str(self) is a translated message for the user."""


class NotFound(Http404):
    """404 with a translated message for the user (an unknown layer, object, ...)."""


def digits(raw: str | None, maximum: int = INTEGER_MAX) -> int | None:
    """The number `raw` spells in ASCII digits, if it fits 0..maximum; None for anything else."""
    if raw is None or not raw or len(raw) > 19 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= maximum else None


def int_param(raw: str | None, name: str, *, low: int = 0, high: int = INTEGER_MAX) -> int:
    """A whole number between low and high (BadInput naming the parameter otherwise)."""
    text = (raw or "").strip()
    body = text[1:] if text[:1] in ("-", "+") else text
    if not body or not (body.isascii() and body.isdigit()):
        raise BadInput(_("%(name)s must be a whole number.") % {"name": name})
    value = int(text) if len(body) <= 20 else None
    if value is None or not low <= value <= high:
        raise BadInput(_("%(name)s must lie between %(low)s and %(high)s.")
                       % {"name": name, "low": low, "high": high})
    return value
