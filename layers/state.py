"""What the gate and the tile endpoint ask on every request – the publication state and the data
generation of every layer – answered from process memory instead of the database.

Every write that changes either (publication_set, the layer services) calls `forget_layer_state`,
which writes a new random stamp to a small file beside the tile cache (shared by the processes
of the host, like the tiles themselves) now and again at commit. A process reuses its answer only
while the stamp it was read under is current, so an answer read from the database while a write
was committing is never served after it (no time-based staleness). Reading the stamp is one
small file read per question.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction


@dataclass(frozen=True)
class LayerState:
    states: dict[str, str] = field(default_factory=dict)  # layer -> publication state
    generations: dict[str, int] = field(default_factory=dict)  # layer -> data generation


def _read() -> LayerState:
    """Both maps in one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 's', layer, state FROM layers_layerpublication UNION ALL "
                       "SELECT 'g', layer, generation::text FROM layers_layercounter")
        rows = cursor.fetchall()
    return LayerState(states={name: value for kind, name, value in rows if kind == "s"},
                      generations={name: int(value) for kind, name, value in rows if kind == "g"})


def _stamp_file() -> Path:
    return settings.CBS_TILE_CACHE_DIR / "layer-state.stamp"


def _current_stamp() -> str:
    try:
        return _stamp_file().read_text()
    except FileNotFoundError:
        _new_stamp()
        return _stamp_file().read_text()


_memo: tuple[str, LayerState] | None = None  # (stamp, answer) of this process


def layer_state() -> LayerState:
    global _memo
    stamp = _current_stamp()
    memo = _memo
    if memo is not None and memo[0] == stamp:
        return memo[1]
    state = _read()
    _memo = (stamp, state)
    return state


def _new_stamp() -> None:
    path = _stamp_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{uuid.uuid4().hex}.stamp")
    scratch.write_text(uuid.uuid4().hex)
    os.replace(scratch, path)  # atomic: readers see the old stamp or the new one


def forget_layer_state() -> None:
    """Called by every write to publication states or layer data (inside its transaction)."""
    _new_stamp()  # this transaction's own later reads see its change
    transaction.on_commit(_new_stamp)  # everyone else's, once it is visible
