"""Every Turkish catalogue entry reaches the compiled catalogue the UI uses.

compilemessages drops entries marked fuzzy (makemessages marks guesses that way), and such a
message is then shown in English to a Turkish user: the import report's "invalid geometry"
was one of them.
"""

import ast
import re
from gettext import GNUTranslations
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "tr" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^((?:#.*\n)*)msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n?)+)', re.M)


def text(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.splitlines())


def entries() -> list[tuple[str, str, str]]:
    """(comments and flags, msgid, msgstr) of each entry but the header."""
    found = [(m.group(1), text(m.group(2)), text(m.group(3))) for m in ENTRY.finditer(PO.read_text("utf-8"))]
    return [e for e in found if e[1]]


def test_no_turkish_entry_is_fuzzy_or_empty():
    entries_ = entries()
    assert len(entries_) > 500
    fuzzy = [msgid for flags, msgid, _ in entries_ if re.search(r"^#,.*\bfuzzy\b", flags, re.M)]
    empty = [msgid for _, msgid, msgstr in entries_ if not msgstr]
    assert fuzzy == [] and empty == []


def test_compiled_catalogue_translates_every_entry():
    with open(PO.with_suffix(".mo"), "rb") as handle:
        catalogue = GNUTranslations(handle)
    untranslated = [msgid for _, msgid, msgstr in entries() if catalogue.gettext(msgid) != msgstr]
    assert untranslated == []
