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
ENTRY = re.compile(r'^((?:#.*\n)*)(?:msgctxt ((?:"(?:[^"\\]|\\.)*"\n)+))?msgid ((?:"(?:[^"\\]|\\.)*"\n)+)'
                   r'msgstr ((?:"(?:[^"\\]|\\.)*"\n?)+)', re.M)


def text(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.splitlines())


def entries() -> list[tuple[str, str, str]]:
    """(comments and flags, msgid, msgstr) of each entry but the header; an entry with a context
    (msgctxt) has the msgid "context\x04msgid", as gettext keys it."""
    found = [(m.group(1), (text(m.group(2)) + "\x04" if m.group(2) else "") + text(m.group(3)), text(m.group(4)))
             for m in ENTRY.finditer(PO.read_text("utf-8"))]
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


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
SKIPPED = {".venv", "node_modules", "var", "tests", "data", "migrations", "bench"}


def _source_files(pattern: str):
    for path in Path(settings.BASE_DIR).rglob(pattern):
        if not SKIPPED & set(path.relative_to(settings.BASE_DIR).parts):
            yield path


def _marked_in_code() -> dict[str, str]:
    """msgid -> file, for every literal passed to a gettext function or {% translate "…" %}."""
    found = {}
    for path in _source_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES
                    and node.args and isinstance(node.args[-1 if "pgettext" in node.func.id else 0], ast.Constant)):
                value = node.args[-1 if "pgettext" in node.func.id else 0].value
                if isinstance(value, str) and value:
                    found[value] = str(path)
    for path in _source_files("*.html"):
        for match in TEMPLATE_TRANSLATE.finditer(path.read_text("utf-8")):
            found[match.group(2)] = str(path)
    return found


def test_every_marked_message_is_in_the_catalogue():
    """A message added to the code after the last makemessages shows in English: run
    makemessages and scripts/translations_tr.py (README)."""
    msgids = {msgid.rsplit("\x04", 1)[-1] for _, msgid, _s in entries()}  # the code names the context apart
    marked = _marked_in_code()
    assert len(marked) > 500
    assert {m: f for m, f in marked.items() if m not in msgids} == {}
