"""Topology rules declared in the registry: errors refuse the write, warnings are reported."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from layers.models import Bina, KamuHizmeti, Numarataj, Yol
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create, feature_update


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class TopologyTests:
    def test_overlapping_building_refused(self, db):
        """A building drawn over another one is refused with a clear message."""
        existing = Bina.objects.order_by("pk").first()
        with pytest.raises(ValidationError) as info:
            feature_create(layer=get_layer("bi-bina"), feature=FeatureInput(
                {"binaKimlikNo": 97_000_001, "zeminUstuKatSayisi": 2}, existing.geom.ewkt))
        assert "overlaps" in " ".join(info.value.message_dict["geom"])

    def test_moving_a_building_onto_itself_is_fine(self, db):
        """A building never overlaps itself when it is edited."""
        bina = Bina.objects.order_by("pk").first()
        feature_update(layer=get_layer("bi-bina"), instance=bina, properties={"adi": "Aynı yer"},
                       geometry=bina.geom.ewkt)

    def test_road_outside_district_refused(self, db):
        """A road centre line leaving the district is refused."""
        line = "SRID=4326;LINESTRING(28.87 40.975, 28.885 40.985)"  # inside the bbox, outside the district
        with pytest.raises(ValidationError):
            feature_create(layer=get_layer("ad-yol"), feature=FeatureInput(
                {"adi": "Dış Yol", "yolTipi": "sokak"}, line))
        assert not Yol.objects.filter(adi="Dış Yol").exists()

    def test_door_number_away_from_building_is_a_warning(self, db):
        """A door number in the open is stored, with a warning to check it."""
        door = Numarataj.objects.order_by("pk").first()
        open_ground = KamuHizmeti.objects.order_by("pk").first().geom  # service points stand in block interiors
        assert not Bina.objects.filter(geom__dwithin=(open_ground, 1)).exists()
        moved = feature_update(layer=get_layer("ad-numarataj"), instance=door, properties={},
                               geometry=open_ground.ewkt)
        assert moved.topology_warnings == ["The door number does not touch a building."]
        assert Numarataj.objects.get(pk=door.pk).geom.equals_exact(open_ground, 0.001)


def test_the_large_batch_overlap_check_finds_what_the_per_building_one_finds(db):
    """BINA_NO_OVERLAP asked for a large replace (the batch's own index, the rest of the layer
    probing it) names the same buildings as batch_sql: overlaps inside the batch and between the
    batch and the rest of the layer, in updated rows whose old copies are still in the layer."""
    from django.db import connection, transaction

    from layers.topology import BINA_NO_OVERLAP, batch_table

    ids = list(Bina.objects.order_by("pk").values_list("pk", flat=True)[:400])
    inside, outside = ids[:300], ids[300:]
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Every building of the batch updated (moved by 1 mm, as a replace writes them); then
            # one of them laid over another of the batch and one over a building outside it.
            cursor.execute("UPDATE layers_bina SET geom = ST_Translate(geom, 0.001, 0) WHERE id = ANY(%s)", [inside])
            for moved, onto in ((inside[0], inside[1]), (inside[2], outside[0])):
                cursor.execute("UPDATE layers_bina SET geom = (SELECT geom FROM layers_bina WHERE id = %s) "
                               "WHERE id = %s", [onto, moved])
            # Three squares in a row beyond the layer, each sharing an edge with the next: two of
            # the batch, one outside it. Touching is not overlapping.
            cursor.execute("SELECT ST_XMax(e), ST_YMin(e), ST_SRID(geom) FROM layers_bina, "
                           "(SELECT ST_Extent(geom)::geometry AS e FROM layers_bina) x LIMIT 1")
            x0, y0, srid = cursor.fetchone()
            size = 0.0001 if srid == 4326 else 10
            for n, building in enumerate((outside[1], inside[3], inside[4])):
                cursor.execute("UPDATE layers_bina SET geom = ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, %s)) "
                               "WHERE id = %s", [x0 + (2 + n) * size, y0, x0 + (3 + n) * size, y0 + size,
                                                 srid, building])
        numbers = dict(Bina.objects.filter(pk__in=ids).values_list("pk", "tucbs_no"))
        with batch_table("SELECT unnest(%s::bigint[]) AS id", [inside]) as batch:
            usual = BINA_NO_OVERLAP.violators(batch)
            large = BINA_NO_OVERLAP.violators(batch, large=True)
        transaction.set_rollback(True)
    assert {numbers[inside[0]], numbers[inside[1]], numbers[inside[2]]} <= set(usual)
    assert numbers[outside[0]] not in usual  # only the batch's buildings are named
    assert not {numbers[inside[3]], numbers[inside[4]]} & set(usual)  # edge to edge
    assert large == usual


def test_a_replace_of_most_of_the_layer_refuses_an_overlap_through_the_large_batch_check(db, monkeypatch):
    """The import writer takes the large-batch check for a replace that updates most of the layer
    (here: every building one floor higher), and an overlap it finds refuses the import like any
    other: nothing written."""
    import json
    from unittest import mock

    from django.conf import settings

    from layers.imports import areas, jobs, writer
    from layers.models import ImportStatus

    from .test_imports import checked, geojson

    layer = get_layer("bi-bina")
    first, second = Bina.objects.order_by("pk")[:2]
    features = []
    for b in Bina.objects.order_by("pk"):
        props = {name: getattr(b, f.attname) for name, f in layer.properties().items()
                 if name not in ("surumBaslangicZamani", "surumBitisZamani")}
        props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in props.items()}
        props["zeminUstuKatSayisi"] += 1
        geom = second.geom if b.pk == first.pk else b.geom
        features.append({"type": "Feature", "properties": props, "geometry": json.loads(geom.json)})
    before = dict(Bina.objects.values_list("pk", "version"))
    job = checked(geojson(features, srid=settings.CBS_SRID), "binalar.geojson", layer="bi-bina",
                  mode="replace", area=areas.FILE_EXTENT)
    assert job.rejected == 0, job.message
    monkeypatch.setattr(writer, "LARGE_UPDATE_ROWS", 1)
    asked = []
    real = writer.batch_topology
    with mock.patch.object(writer, "batch_topology",
                           side_effect=lambda *a, **k: asked.append(k.get("large")) or real(*a, **k)):
        job = jobs.run(job.pk, "write")
    assert asked == [True]
    assert job.status == ImportStatus.FAILED and "overlaps" in job.message, job.message
    assert dict(Bina.objects.values_list("pk", "version")) == before
