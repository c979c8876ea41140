"""The configuration pygeoapi's HTML pages render with, kept per API object.

pygeoapi translates the configuration for its templates once per language and keeps the
result in one process-wide cache (`l10n._cfg_cache`), whichever API object asked first. We run
one API per visible set of collections and base URL (`views.api_for`), so a page rendered with
the configuration of another caller: a partner's protocol collection page failed with a 500
after an anonymous visitor had opened any page ("'dict object' has no attribute 'bi-bina'"), and
page links used the host of the first request. `install()` (OgcConfig.ready) replaces
`l10n.translate_struct` with one that keeps the translated configuration per configuration
object; pygeoapi's own function still does the translating.
"""

from __future__ import annotations

import threading

from pygeoapi import l10n

_pygeoapi_translate_struct = l10n.translate_struct
_lock = threading.Lock()
# (id of the configuration, language) -> (the configuration, its translation). The object is kept
# with its translation so that a recycled id never matches; views.api_for holds at most 64 APIs.
_translated: dict[tuple[int, str], tuple[dict, dict]] = {}
LIMIT = 256


def translate_struct(struct, locale_, is_config: bool = False):
    if not is_config or not struct or not locale_:
        return _pygeoapi_translate_struct(struct, locale_, is_config)
    key = (id(struct), str(locale_))
    entry = _translated.get(key)
    if entry is not None and entry[0] is struct:
        return entry[1]
    with _lock:  # pygeoapi's cache is only touched here, emptied before and after
        l10n._cfg_cache.clear()
        result = _pygeoapi_translate_struct(struct, locale_, True)
        l10n._cfg_cache.clear()
        if len(_translated) >= LIMIT:
            _translated.clear()
        _translated[key] = (struct, result)
    return result


def clear() -> None:
    """Forget the translations (with the APIs they belong to: ogc.config.clear_caches)."""
    with _lock:
        _translated.clear()


def install() -> None:
    l10n.translate_struct = translate_struct
