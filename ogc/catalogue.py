"""The catalogue's search: `q` is words of text, never a regular expression (architecture rule 9).

pygeoapi's TinyDB catalogue provider hands `q` to `re.search` as it comes: `(.*a){9}x` kept a
worker busy for minutes and `(x`, `[a` or `*` were 500s. `TextCatalogueProvider` keeps its
meaning – comma-separated alternatives, each a phrase of whitespace-separated words, matched
anywhere in the record's text, case-insensitively as Python's `re` does it (Turkish İ/i and I/ı
match each other) – but every word is `re.escape`d, so the pattern holds nothing from the user
but literal characters. Subclassing rather than escaping `q` in the view keeps the request's own
`q` for pygeoapi's links and the search box (an escaped `q` would come back as `\\(x` and be
escaped again on the next page).

`check_search` bounds what the view accepts (length, number of words, control characters) and
answers a translated 400 before pygeoapi sees the request.
"""

from __future__ import annotations

import operator
import re
from functools import reduce

from django.http import QueryDict
from django.utils.translation import gettext as _
from pygeoapi.provider.base import ProviderInvalidQueryError
from pygeoapi.provider.tinydb_ import TinyDBCatalogueProvider

from cbs.text import has_control_characters

from .params import BadParameter

MAX_Q_CHARS = 200
MAX_Q_WORDS = 10
ANYTEXT = "_metadata-anytext"
# Parameters pygeoapi would take from the request and silently ignore here (the TinyDB provider
# has no CQL): a client asking for a filter must not get every record back as if it matched.
UNSUPPORTED = ("filter", "filter-lang", "filter-crs")


def search_terms(q: str) -> list[list[str]]:
    """`q` as pygeoapi reads it: comma-separated alternatives, each a phrase of words."""
    return [words for words in (term.split() for term in q.split(",")) if words]


def check_search(params: QueryDict) -> None:
    """Raise BadParameter (translated) for a `q` the catalogue will not search for."""
    for name in UNSUPPORTED:
        if name in params:
            raise BadParameter(
                _("The catalogue does not support %(name)s; search with q, theme, bbox or datetime.")
                % {"name": name})
    q = params.get("q")
    if q is None:
        return
    if len(q) > MAX_Q_CHARS:
        raise BadParameter(_("q may be at most %(max)d characters long.") % {"max": MAX_Q_CHARS})
    if has_control_characters(q):  # TAB, LF and CR are whitespace between words
        raise BadParameter(_("q must not contain control characters."))
    if sum(len(words) for words in search_terms(q)) > MAX_Q_WORDS:
        raise BadParameter(_("q may contain at most %(max)d words.") % {"max": MAX_Q_WORDS})


def phrase_pattern(words: list[str]) -> re.Pattern:
    """The words in this order, separated by whitespace, as literal text (never a user regex)."""
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


def _found(value, pattern: re.Pattern) -> bool:
    return isinstance(value, str) and pattern.search(value) is not None


class TextCatalogueProvider(TinyDBCatalogueProvider):
    """pygeoapi's TinyDB catalogue provider with a text search (see the module's docstring)."""

    def _add_search_query(self, search_object, search_term: str | None = None):
        if not search_term:
            return None
        terms = search_terms(search_term)
        if sum(len(words) for words in terms) > MAX_Q_WORDS or len(search_term) > MAX_Q_CHARS:
            raise ProviderInvalidQueryError("q is too long")  # the view refuses it first
        if not terms:
            return None
        field = search_object.properties[ANYTEXT]
        return reduce(operator.or_, (field.test(_found, phrase_pattern(words)) for words in terms))

    def query(self, *args, datetime_=None, **kwargs):
        # pygeoapi's time-instant branch looks a Query up as an attribute name (TypeError):
        # an instant is the interval from itself to itself.
        if datetime_ is not None and "/" not in datetime_:
            datetime_ = f"{datetime_}/{datetime_}"
        return super().query(*args, datetime_=datetime_, **kwargs)
