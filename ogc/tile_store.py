"""Rendered vector tiles on disk, one plain file per tile under the tile cache folder:
<layer>/<generation>/<z>/<x>/<y>.mvt. A hit is one file read (no pickling, no compression);
a layer's older generations are removed when a new one is first written."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return settings.CBS_TILE_CACHE_DIR / "mvt"


def _path(layer: str, generation: int, z: int, x: int, y: int) -> Path:
    return root() / layer / str(generation) / str(z) / str(x) / f"{y}.mvt"


def get(layer: str, generation: int, z: int, x: int, y: int) -> bytes | None:
    try:
        with open(_path(layer, generation, z, x, y), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def put(layer: str, generation: int, z: int, x: int, y: int, data: bytes) -> None:
    path = _path(layer, generation, z, x, y)
    generation_dir = root() / layer / str(generation)
    if not generation_dir.exists():  # the layer changed: its older tiles are dead
        for old in (root() / layer).glob("*"):
            if old.name != str(generation):
                shutil.rmtree(old, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{uuid.uuid4().hex}")
    scratch.write_bytes(data)
    os.replace(scratch, path)  # readers see the whole tile or none


def clear() -> None:
    shutil.rmtree(root(), ignore_errors=True)
