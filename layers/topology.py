"""Topology rules a layer declares in the registry (errors refuse the write, warnings inform).

Each rule is a PostGIS question about one feature against its neighbours, asked by the
layer services before they store a feature; bulk loads ask the same question once for the whole
batch (`violators`: one SQL statement over the stored rows of the batch, inside its transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import uuid4

from django.db import connection
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, eq=False)  # a rule is itself: hashed by identity (a key in batch_topology)
class TopologyRule:
    """`holds(instance)` is True when the rule is satisfied; `batch_sql` selects the tucbs_no of
    the rows of the batch (primary keys in the table `{batch}`, see batch_table) that break it."""

    kind: str  # ERROR or WARNING
    message: Promise | str
    holds: Callable[[Model], bool]
    batch_sql: str
    # The same answer for a batch of updated rows that is most of its layer (a replacing import),
    # where batch_sql would be slow; None: batch_sql is used for every batch.
    large_batch: Callable[[str], list[int]] | None = None
    # The same question asked before an import writes, of the layer as the import will leave it:
    # `of_import(cursor, file_sql, kept_sql, params)` returns the src_fid of the file's features
    # (file_sql: src_fid, geom) that break the rule among themselves or against the layer's
    # features the import keeps (kept_sql: geom – all of them for an append, those outside the
    # area for a replace). Needs only committed data, so the writer asks it on a second
    # connection while it writes (imports.alongside). None: not offered.
    of_import: Callable[[object, str, str, dict], list[int]] | None = None

    def violators(self, batch: str, large: bool = False) -> list[int]:
        """tucbsNo of the batch's stored rows that break the rule, in order (see batch_table)."""
        if large and self.large_batch is not None:
            return self.large_batch(batch)
        with connection.cursor() as cursor:
            cursor.execute(self.batch_sql.format(batch=batch))
            return sorted(row[0] for row in cursor.fetchall())


@contextmanager
def batch_table(ids_sql: str, params=()) -> Iterator[str]:
    """A table of the ids `ids_sql` selects (the rows a bulk write stored), for the rules.

    A table rather than an array parameter: a million ids joined as a table keep the planner on
    index probes (an array that size did not). Unlogged in cbs_import rather than temporary:
    parallel workers cannot read temporary tables, and the overlap rule over a million buildings
    takes half the time on two cores. Created and dropped inside the write's transaction under
    a name of its own; a write that fails or is cut off takes it along in its rollback.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("batch_table() belongs inside the writing transaction")
    name = f"cbs_import.topology_{uuid4().hex}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE {name} AS {ids_sql}", params)
        cursor.execute(f"ANALYZE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {name}")


def _scalar(sql: str, params: list) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def touches_a_building(instance: Model) -> bool:
    """A door number lies on (within 1 cm of) a building."""
    return bool(_scalar("SELECT EXISTS (SELECT 1 FROM layers_bina WHERE ST_DWithin(geom, %s, 0.01))",
                        [instance.geom.ewkt]))


def inside_the_district(instance: Model) -> bool:
    """The geometry lies within the union of the mahalle (the district)."""
    return bool(_scalar("SELECT coalesce(ST_Within(%s, ST_Union(geom)), true) FROM layers_mahalle",
                        [instance.geom.ewkt]))


def overlaps_no_other_building(instance: Model) -> bool:
    """No other building shares area with this one (touching edges is fine)."""
    return not _scalar(
        "SELECT EXISTS (SELECT 1 FROM layers_bina WHERE geom && %s AND id IS DISTINCT FROM %s "
        "AND ST_Relate(geom, %s, '2********'))",
        [instance.geom.ewkt, instance.pk, instance.geom.ewkt])


NUMARATAJ_ON_BINA = TopologyRule(
    WARNING, _("The door number does not touch a building."), touches_a_building,
    "SELECT n.\"tucbsNo\" FROM layers_numarataj n WHERE n.id IN (SELECT id FROM {batch}) AND NOT EXISTS "
    "(SELECT 1 FROM layers_bina b WHERE ST_DWithin(b.geom, n.geom, 0.01))")
ROAD_IN_DISTRICT = TopologyRule(
    ERROR, _("The road centre line must lie inside the district."), inside_the_district,
    "SELECT y.\"tucbsNo\" FROM layers_yol y, (SELECT ST_Union(geom) AS g FROM layers_mahalle) d "
    "WHERE y.id IN (SELECT id FROM {batch}) AND d.g IS NOT NULL AND NOT ST_Within(y.geom, d.g)")


def overlapping_buildings_of_a_large_batch(batch: str) -> list[int]:
    """BINA_NO_OVERLAP's violators for a batch of updated buildings that is most of the layer.

    Asked as batch_sql asks it, every building of the batch probes the layer's spatial index,
    which still holds the pre-update copy of each updated building until vacuum: twice the
    entries, and the probe (not ST_Relate) is the cost. Here the batch's buildings get an index
    of their own (a sorted GiST build, ~1.5 s a million) that each of them probes, and the rest of
    the layer – the smaller part – probes it too. Same tucbsNo as batch_sql (tested). A million
    updated buildings on two cores: 22 s through batch_sql, 16 s this way (for a million new ones,
    whose layer index holds no old copies, batch_sql stays faster: 16 s against 20 s)."""
    own = f"{batch}_geom"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE UNLOGGED TABLE {own} AS SELECT b.id, b."tucbsNo", b.geom FROM layers_bina b '
                       f"WHERE b.id IN (SELECT id FROM {batch})")
        cursor.execute(f"CREATE INDEX ON {own} USING gist (geom)")
        cursor.execute(f"ANALYZE {own}")
        cursor.execute(f"""
            SELECT n."tucbsNo" FROM {own} n JOIN {own} o
                ON o.geom && n.geom AND o.id <> n.id AND ST_Relate(o.geom, n.geom, '2********')
            UNION
            SELECT n."tucbsNo" FROM layers_bina o JOIN {own} n
                ON o.geom && n.geom AND ST_Relate(o.geom, n.geom, '2********')
            WHERE NOT EXISTS (SELECT FROM {batch} x WHERE x.id = o.id)""")  # noqa: S608  (our names)
        found = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"DROP TABLE {own}")
    return found


def overlapping_buildings_of_an_import(cursor, file_sql: str, kept_sql: str, params: dict) -> list[int]:
    """BINA_NO_OVERLAP's of_import: the file's buildings get an index of their own (a temporary
    table: this runs alongside the writer, on one core) and each probes it; each building the
    import keeps is joined to them through whichever index the planner finds cheaper (a few kept
    buildings probe the file's; many, against a smaller file, are probed in the layer's). A
    million buildings: ~1 s for the copy, ~2 s for the index, the probes in the time the writer's
    UPDATE or INSERT takes anyway."""
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # the other core is the writer's
    cursor.execute("CREATE TEMP TABLE _import_file ON COMMIT DROP AS "  # noqa: S608
                   f"SELECT f.src_fid, f.geom FROM ({file_sql}) f")
    cursor.execute("CREATE INDEX ON _import_file USING gist (geom)")
    cursor.execute("ANALYZE _import_file")
    cursor.execute(f"""
        SELECT n.src_fid FROM _import_file n JOIN _import_file o
            ON o.geom && n.geom AND o.src_fid <> n.src_fid AND ST_Relate(o.geom, n.geom, '2********')
        UNION
        SELECT n.src_fid FROM ({kept_sql}) o JOIN _import_file n
            ON o.geom && n.geom AND ST_Relate(o.geom, n.geom, '2********')""", params)  # noqa: S608
    return sorted(row[0] for row in cursor.fetchall())


BINA_NO_OVERLAP = TopologyRule(
    ERROR, _("The building overlaps another building."), overlaps_no_other_building,
    "SELECT DISTINCT n.\"tucbsNo\" FROM layers_bina n JOIN layers_bina o "
    "ON o.geom && n.geom AND o.id <> n.id AND ST_Relate(o.geom, n.geom, '2********') "
    "WHERE n.id IN (SELECT id FROM {batch})",
    large_batch=overlapping_buildings_of_a_large_batch, of_import=overlapping_buildings_of_an_import)
