"""Checks shared by the asset models (MAC addresses)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MAC_HEX = re.compile(r"^[0-9a-f]{12}$")


def normalise_mac(value: str | None) -> str | None:
    """'AA-BB-CC-DD-EE-FF', 'aabb.ccdd.eeff' or 'aa:bb:…' → 'aa:bb:cc:dd:ee:ff'; None stays None."""
    if value in (None, ""):
        return None
    digits = re.sub(r"[:\-.\s]", "", str(value)).lower()
    if not _MAC_HEX.match(digits):
        raise ValidationError({"mac": _("“%(value)s” is not a MAC address (12 hexadecimal digits).")
                               % {"value": value}})
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))
