"""What the gate and the tile endpoint ask on every request – the publication state and the data
generation of every layer – answered from the shared tile cache instead of the database.

Every write that changes either (publication_set, the layer services) calls `forget_layer_state`,
which gives the cache a new random stamp now and again at commit. A cached answer is used only
if it was read under the current stamp, so an answer read from the database while a write was
committing is never served after it (no time-based staleness).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import connection, transaction

STAMP_KEY, STATE_KEY = "layer-state:stamp", "layer-state"


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


def layer_state() -> LayerState:
    cache = caches["tiles"]
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        stamp = uuid.uuid4().hex
        cache.set(STAMP_KEY, stamp, None)
    cached = cache.get(STATE_KEY)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    state = _read()
    cache.set(STATE_KEY, (stamp, state), None)
    return state


def _new_stamp() -> None:
    caches["tiles"].set(STAMP_KEY, uuid.uuid4().hex, None)


def forget_layer_state() -> None:
    """Called by every write to publication states or layer data (inside its transaction)."""
    _new_stamp()  # this transaction's own later reads see its change
    transaction.on_commit(_new_stamp)  # everyone else's, once it is visible
