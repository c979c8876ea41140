"""Text that other formats must carry: control characters refused at input, XML kept well-formed.

XML 1.0 cannot carry most C0 control characters at all (not even as `&#x1;`), so a metadata
abstract holding a vertical tab (`\\x0b`) made `/map/metadata/<layer>.xml` not well-formed, and a
mahalle name holding `\\x01` made openpyxl refuse the whole activity report (XLSX is XML too).
Forms refuse them with a translated message (`reject_control_characters`); writers of XML drop
whatever XML cannot carry from data already stored or coming from feature attributes (`xml_text`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except TAB, LF and CR; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Everything outside XML 1.0's Char production (C0 controls but TAB/LF/CR, lone surrogates,
# U+FFFE and U+FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CONTROL_CHARACTERS_MESSAGE = _("Remove the control characters (invisible characters such as a "
                               "vertical tab, often pasted from other programs) from this text.")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def reject_control_characters(value) -> None:
    """A validator for text fields."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry (the writer escapes the rest)."""
    return NOT_XML.sub("", value)
