"""Topology rules a layer declares in the registry (errors refuse the write, warnings inform).

Each rule is a PostGIS question about one feature against its neighbours, asked by the
layer services before they store a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class TopologyRule:
    """`holds(instance)` is True when the rule is satisfied."""

    kind: str  # ERROR or WARNING
    message: Promise | str
    holds: Callable[[Model], bool]


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


NUMARATAJ_ON_BINA = TopologyRule(WARNING, _("The door number does not touch a building."),
                                 touches_a_building)
ROAD_IN_DISTRICT = TopologyRule(ERROR, _("The road centre line must lie inside the district."),
                                inside_the_district)
BINA_NO_OVERLAP = TopologyRule(ERROR, _("The building overlaps another building."),
                               overlaps_no_other_building)
