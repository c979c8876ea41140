"""What the gate, the tile endpoint and the OGC configuration ask on every request – the
publication state, the data generation and the configuration generation of every layer – read
from PostgreSQL, the one truth every process on every host shares.

One small query (two tables of one row per layer, ~0.2 ms) answers all three; a request reads it
once (the OGC gate keeps it on the request). Per-process caches of derived things – vector tiles,
the generated pygeoapi configuration, catalogue files – are keyed by these generations, so a
change committed by any host, worker or management command shows on the next request anywhere.

These rows are always read on the primary, even when a read replica serves the request's data: a
withdrawn layer must not stay visible, nor a new generation be cached with old data, because a
replica lags. cbs.db reads the same rows on the replica (`using`) and uses the replica only when
they are identical to the primary's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection

from cbs import prepared


STATE_SQL = ("SELECT 's', layer, state, 0 FROM layers_layerpublication UNION ALL "
             "SELECT 'g', layer, generation::text, config_generation FROM layers_layercounter")


@dataclass(frozen=True)
class LayerState:
    states: dict[str, str] = field(default_factory=dict)  # layer -> publication state
    generations: dict[str, int] = field(default_factory=dict)  # layer -> data generation
    configs: dict[str, int] = field(default_factory=dict)  # layer -> metadata/config generation

    @property
    def config_key(self) -> str:
        """Changes whenever anything the generated OGC configuration depends on changes
        (publication, metadata, imports); derived per-process caches are keyed by it."""
        text = "|".join(f"{n}={s}" for n, s in sorted(self.states.items())) + "#" + \
            "|".join(f"{n}={g}" for n, g in sorted(self.configs.items()))
        return hashlib.blake2s(text.encode(), digest_size=8).hexdigest()


def layer_state(using: str = DEFAULT_DB_ALIAS) -> LayerState:
    """The three maps, read now (one query) – on the primary unless `using` names the replica."""
    # Asked on every OGC request: planned once per connection (cbs.prepared).
    rows = prepared.fetchall(STATE_SQL, using=using)
    return LayerState(
        states={name: value for kind, name, value, _c in rows if kind == "s"},
        generations={name: int(value) for kind, name, value, _c in rows if kind == "g"},
        configs={name: config for kind, name, _v, config in rows if kind == "g"},
    )


def bump_config_generation(layer_name: str) -> None:
    """Called inside the transaction of a write that changes a layer's metadata or extent: every
    process rebuilds its OGC configuration and catalogue once the write commits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO layers_layercounter (layer, last_tucbs_no, generation, config_generation) "
            "VALUES (%s, 0, 0, 1) ON CONFLICT (layer) DO UPDATE "
            "SET config_generation = layers_layercounter.config_generation + 1", [layer_name])
