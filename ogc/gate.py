"""The one access gate of the OGC API: which collections may this request see?"""

from django.http import HttpRequest

from .config import published_layers


def visible_collections(request: HttpRequest) -> frozenset[str]:
    """Collection ids the caller may see; every other collection answers 404 everywhere.

    Today: every layer that is not internal (tk-parsel never leaves the municipality).
    The access issue extends this with publication states, partner tokens and staff rights.
    """
    return frozenset(layer.name for layer in published_layers())
