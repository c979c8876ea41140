"""pygeoapi's CRS transformation spec, built once per (collection CRSs, requested CRS).

pygeoapi builds it on every items request: two pyproj CRS objects and two WKT exports (~0.5 ms
of a small bbox request's Python). The answer only depends on the provider's CRS settings and
the `crs` parameter; errors (unsupported CRS) are not cached and reach pygeoapi as before.
"""

from __future__ import annotations

from functools import lru_cache

import pygeoapi.api.itemtypes as itemtypes_api
from pygeoapi import crs as pygeoapi_crs

_build = pygeoapi_crs.create_crs_transform_spec


@lru_cache(maxsize=256)
def _cached(storage_crs: str | None, always_xy: bool, offered: tuple[str, ...], query: str | None):
    definition = {"always_xy": always_xy, "crs": list(offered)}
    if storage_crs is not None:
        definition["storage_crs"] = storage_crs
    return _build(definition, query)


def create_crs_transform_spec(provider_def: dict, query_crs_uri: str | None = None):
    return _cached(provider_def.get("storage_crs"), bool(provider_def.get("always_xy", False)),
                   tuple(provider_def.get("crs") or ()), query_crs_uri)


def install() -> None:
    itemtypes_api.create_crs_transform_spec = create_crs_transform_spec
