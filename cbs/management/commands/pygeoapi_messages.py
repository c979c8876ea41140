"""Keep the catalogues of pygeoapi's HTML pages (locale/pygeoapi/<lang>/LC_MESSAGES/messages.po)
in step with the installed pygeoapi: its wheel ships no compiled translations, so without these
the OGC API pages read English whatever the language (and `dir="text_direction"`).

Extracts the {% trans %} messages of pygeoapi's templates (and of ours, ogc/pygeoapi_templates)
with Babel, adds new ones (empty, for a translator), drops those no template has any more, keeps
every existing translation.
Run `manage.py pygeoapi_messages` after upgrading pygeoapi (tests/ogc/test_language.py says
when it is needed); `vendor_assets` (make setup) compiles the catalogues.
"""

from pathlib import Path

import pygeoapi
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand

LANGUAGES = ("tr", "en")


def template_messages() -> dict[str, list[tuple[str, int]]]:
    """msgid -> where it occurs, for every translatable string of pygeoapi's templates and ours
    (ogc/pygeoapi_templates, located as "kent-cbs/<path>")."""
    found: dict[str, list[tuple[str, int]]] = {}
    for templates, prefix in ((Path(pygeoapi.__file__).parent / "templates", ""), (overrides_dir(), "kent-cbs/")):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(templates), [("**.html", "jinja2"), ("**.j2", "jinja2")]):
            if isinstance(message, str):
                found.setdefault(message, []).append((prefix + filename, lineno))
    return found


def overrides_dir() -> Path:
    """ogc/pygeoapi_templates: our own pygeoapi page templates, written over pygeoapi's by
    vendor_assets (the catalogue's search page)."""
    return Path(settings.BASE_DIR) / "ogc" / "pygeoapi_templates"


def catalogues_dir() -> Path:
    """locale/pygeoapi: one <lang>/LC_MESSAGES/messages.po per language."""
    return Path(settings.BASE_DIR) / "locale" / "pygeoapi"


def catalogue_path(language: str) -> Path:
    return catalogues_dir() / language / "LC_MESSAGES" / "messages.po"


def update(language: str, messages: dict) -> tuple[int, int]:
    """(messages added, messages removed) in one language's catalogue."""
    path = catalogue_path(language)
    old = Catalog(locale=language)
    if path.exists():
        with path.open("rb") as f:
            old = read_po(f, locale=language)
    new = Catalog(locale=language, project="Kent CBS – pygeoapi pages", version=pygeoapi.__version__,
                  charset="utf-8", fuzzy=False, creation_date=old.creation_date)
    for msgid, where in sorted(messages.items()):
        known = old.get(msgid)
        new.add(msgid, known.string if known else "", locations=where)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, new, width=100, omit_header=False, sort_output=True)
    kept = {m.id for m in old if m.id}
    return len(set(messages) - kept), len(kept - set(messages))


class Command(BaseCommand):
    help = "Update locale/pygeoapi/*/messages.po from the installed pygeoapi's templates."

    def handle(self, *args, **options):
        messages = template_messages()
        for language in LANGUAGES:
            added, removed = update(language, messages)
            self.stdout.write(f"{catalogue_path(language)}: {len(messages)} messages, "
                              f"{added} new, {removed} dropped")
