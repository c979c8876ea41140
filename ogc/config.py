"""pygeoapi configuration generated from the layer registry (no hand-written YAML)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from pygeoapi.config import validate_config

from layers.registry import THEMES, Layer, all_layers
from layers.selectors import layer_extent_lonlat

from .crs import CRS84, epsg_uri, offered_uris

PROVIDER = "ogc.provider.KentPostGISProvider"
FORMATTERS = [{"name": "ogc.formatters.GeoPackageFormatter", "geom": True, "attachment": True}]


def _i18n(value) -> dict[str, str]:
    """A lazily translated string as pygeoapi's {language: text} mapping."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(value)
    return out


def title_translations(layer: type[Layer]) -> dict[str, str]:
    """A layer's title per language, as its resource in the configuration has it."""
    return _i18n(layer.title)


def server_languages() -> list[str]:
    """The languages of the configuration's server section (the first is pygeoapi's default)."""
    return [code for code, _n in settings.LANGUAGES]


def ogc_layers() -> list[type[Layer]]:
    """Every layer has a resource; the access gate decides per caller which ones exist."""
    return all_layers()


def build_resource(layer: type[Layer]) -> dict:
    geom = layer.geometry()
    bbox = layer_extent_lonlat(layer) or list(settings.CBS_MAP_BBOX)
    return {
        "type": "collection",
        "title": title_translations(layer),
        "description": _i18n(layer.description),
        # Per language, like the titles: a str() here would freeze the language of the request
        # that happened to build the cached config.
        "keywords": {code: [layer.theme, f"TUCBS:{layer.theme}", theme, *layer.keywords]
                     for code, theme in _i18n(THEMES[layer.theme]).items()},
        "links": [],
        "extents": {"spatial": {"bbox": bbox, "crs": CRS84}},
        "limits": {
            "default_items": settings.CBS_OGC_DEFAULT_ITEMS,
            "max_items": settings.CBS_OGC_MAX_ITEMS,
            "on_exceed": "error",
        },
        "providers": [{
            "type": "feature",
            "name": PROVIDER,
            "data": layer.name,
            "id_field": "tucbsNo",
            "title_field": "adi" if "adi" in layer.properties() else None,
            "storage_crs": epsg_uri(geom.srid),
            "crs": offered_uris(),
        }],
        "formatters": FORMATTERS,  # f=gpkg besides pygeoapi's f=csv (ogc.formatters.install)
    }


def build_config(visible: frozenset[str] | None = None) -> dict:
    """The full pygeoapi configuration; `visible` restricts it to those collection ids."""
    resources = {
        layer.name: build_resource(layer)
        for layer in ogc_layers()
        if visible is None or layer.name in visible
    }
    for resource in resources.values():
        provider = resource["providers"][0]
        if provider["title_field"] is None:
            del provider["title_field"]
    # The adapter sets the real URL per request when CBS_OGC_BASE_URL is empty.
    base_url = settings.CBS_OGC_BASE_URL or "http://127.0.0.1:8000/ogc"

    cfg = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 8000},
            "url": base_url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": server_languages(),
            "pretty_print": False,
            "limits": {
                "default_items": settings.CBS_OGC_DEFAULT_ITEMS,
                "max_items": settings.CBS_OGC_MAX_ITEMS,
                "on_exceed": "error",
            },
            "map": {
                # No tiles from the internet: unless a base map is configured, our own layers
                # drawn by the WMS engine (ogc/basemap.py).
                "url": settings.CBS_BASEMAP_URL or "/ows/basemap/{z}/{x}/{y}.png",
                "attribution": settings.CBS_ORGANISATION,
            },
            "templates": {"path": str(settings.CBS_PYGEOAPI_TEMPLATES)},
            # Compiled catalogues of pygeoapi's page texts (its wheel has none; see vendor_assets).
            "locale_dir": str(settings.CBS_PYGEOAPI_LOCALE),
            **({"logo": settings.CBS_OGC_LOGO_URL} if settings.CBS_OGC_LOGO_URL else {}),
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": {"tr": f"{settings.CBS_MUNICIPALITY_NAME} CBS – OGC API",
                          "en": f"{settings.CBS_MUNICIPALITY_NAME} GIS – OGC API"},
                "description": {
                    "tr": "Belediyenin TUCBS uyumlu tematik katmanları (OGC API – Features).",
                    "en": "The municipality's TUCBS thematic layers (OGC API – Features).",
                },
                "keywords": {"tr": ["TUCBS", "CBS", "belediye"], "en": ["TUCBS", "GIS", "municipality"]},
                "keywords_type": "theme",
                "terms_of_service": "https://creativecommons.org/licenses/by/4.0/",
                "url": base_url,
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": settings.CBS_ORGANISATION, "url": base_url},
            "contact": {
                "name": settings.CBS_ORGANISATION,
                "position": "CBS Birimi",
                "address": "Zeytinburnu Belediyesi",
                "city": "İstanbul",
                "stateorprovince": "İstanbul",
                "postalcode": "34020",
                "country": "Türkiye",
                "email": settings.CBS_CONTACT_EMAIL,
                "url": base_url,
                "role": "pointOfContact",
            },
        },
        "resources": resources,
    }
    validate_config(cfg)
    return cfg


@lru_cache(maxsize=64)
def cached_config(visible: frozenset[str] | None = None, config_key: str = "") -> dict:
    """build_config() memoised per visible set and configuration generation (layers.state)."""
    return build_config(visible)


def clear_caches() -> None:
    cached_config.cache_clear()
    from . import page_config, views

    views.api_for.cache_clear()
    page_config.clear()
