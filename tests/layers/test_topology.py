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
    monkeypatch.setattr(writer, "LARGE_IMPORT_ROWS", 1)
    asked = []
    real = writer.batch_topology
    with mock.patch.object(writer, "batch_topology",
                           side_effect=lambda *a, **k: asked.append(k.get("large")) or real(*a, **k)):
        job = jobs.run(job.pk, "write")
    assert asked == [True]
    assert job.status == ImportStatus.FAILED and "overlaps" in job.message, job.message
    assert dict(Bina.objects.values_list("pk", "version")) == before


class Stop(Exception):
    """Raised right after the rule: the write's transaction rolls back whatever the rule said."""


def _rule_both_ways(django_db_blocker, monkeypatch, features: list[dict], choices: dict,
                    alongside: bool = True) -> list:
    """Check `features` as a bi-bina import with `choices` (committed: a second connection sees
    nothing else), write it twice – as the queue does (outside any transaction: the rules alongside
    the write, TopologyRule.of_import, unless `alongside` is off) and inside a transaction (the
    rules afterwards, over the written rows) – and stop each write right after its rules; should a
    write no longer ask them, the next step before its commit stops it. Returns [(answered
    alongside, asked as a large batch, the overlap error's messages or None)] for the two writes;
    the layer is as it was. A replace's file counts as most of the layer (the sample is small)."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import transaction

    from layers.imports import jobs, writer
    from layers.imports.report import report_csv
    from layers.models import ImportJob

    from .test_imports import geojson

    monkeypatch.setattr(settings, "CBS_IMPORT_RULES_ALONGSIDE", alongside)
    monkeypatch.setattr(writer, "LARGE_IMPORT_ROWS", 1)
    if choices["mode"] == "replace":
        monkeypatch.setattr(writer, "_most_of_the_layer", lambda table, rows: True)
    outcomes = []
    real = writer.batch_topology

    def rule_then_stop(*args, **kwargs):
        asked = (bool(kwargs.get("answered")), kwargs.get("large"))
        try:
            real(*args, **kwargs)
            outcomes.append((*asked, None))
        except ValidationError as exc:
            outcomes.append((*asked, exc.messages))
        raise Stop

    def stop(*args, **kwargs):
        raise Stop

    monkeypatch.setattr(writer, "batch_topology", rule_then_stop)
    monkeypatch.setattr(writer, "bump_generation", stop)  # called after the rules, before the commit
    layer = get_layer("bi-bina")
    job = None
    with django_db_blocker.unblock():
        before = dict(Bina.objects.values_list("pk", "version"))
        try:
            job = jobs.job_create(user=None, layer_name="bi-bina", upload=ContentFile(
                geojson(features, srid=settings.CBS_SRID), name="binalar.geojson"))
            job = jobs.job_configure(job=job, user=None, settings_=choices)
            job = jobs.run(job.pk, "check")
            assert job.status == "checked" and job.rejected == 0, report_csv(job)
            with translation.override("en"), pytest.raises(Stop):
                writer.write(job, layer)
            with translation.override("en"), pytest.raises(Stop), transaction.atomic():
                writer.write(job, layer)
        finally:
            if job is not None:
                jobs.drop_staging(ImportJob.objects.get(pk=job.pk), wait=False)
                jobs.uploads.remove_folder(job.pk)
                ImportJob.objects.filter(pk=job.pk).delete()
        assert dict(Bina.objects.values_list("pk", "version")) == before
    return outcomes


def _building_feature(b, geom, floors_up: bool = True, number=None, maks=None) -> dict:
    """A building of the layer as a file feature (one floor higher unless told), at `geom`."""
    import json

    props = {name: getattr(b, f.attname) for name, f in get_layer("bi-bina").properties().items()
             if name not in ("surumBaslangicZamani", "surumBitisZamani")}
    props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in props.items()}
    props["zeminUstuKatSayisi"] += 1 if floors_up else 0
    if maks is not None:  # a new building: its number (None: none in the file) and MAKS id
        props["tucbsNo"], props["binaKimlikNo"] = number, maks
        if number is None:
            del props["tucbsNo"]
    return {"type": "Feature", "properties": props, "geometry": json.loads(geom.json)}


def _top_number() -> int:
    from layers.models import LayerCounter

    return max(Bina.objects.order_by("-tucbs_no").values_list("tucbs_no", flat=True)[0],
               LayerCounter.objects.get(layer="bi-bina").last_tucbs_no)


def test_a_replace_asks_the_overlap_rule_alongside_its_update_and_names_what_the_usual_way_names(
        django_db_setup, django_db_blocker, monkeypatch):
    """A replace of most of the layer asks BINA_NO_OVERLAP on a second connection, of the layer as
    the replace will leave it (the file's buildings and the buildings outside the area), while it
    updates. Its answer names the same buildings as the rule asked afterwards of the written rows:
    an updated building over another updated one, over a building outside the area, a new building
    over an updated one and one over an unchanged one; not the unchanged one (not written), not a
    new building where a building of the area was deleted, nor the building outside the area
    itself."""
    from django.db import connection

    from layers.imports import areas
    from layers.models import Mahalle

    with django_db_blocker.unblock():
        mahalle = Mahalle.objects.order_by("adi").first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, ST_Intersects(ST_PointOnSurface(geom), %s::geometry) FROM layers_bina "
                           "ORDER BY id", [mahalle.geom.ewkt])
            inside = [pk for pk, within in cursor.fetchall() if within]
        kept = Bina.objects.exclude(pk__in=inside).order_by("pk").first()
        buildings = {b.pk: b for b in Bina.objects.filter(pk__in=inside)}
        top = _top_number()
        area = areas.mahalle_area(mahalle.uavt_kodu)
    a1, a2, a3, a4, deleted, unchanged = inside[:6]
    placed = {a1: buildings[a2].geom, a3: kept.geom}
    features = [_building_feature(b, placed.get(pk, b.geom), floors_up=pk != unchanged)
                for pk, b in buildings.items() if pk != deleted]
    features += [_building_feature(buildings[a4], buildings[a4].geom, number=top + 1, maks=9_000_000_001),
                 _building_feature(buildings[a4], buildings[deleted].geom, number=top + 2, maks=9_000_000_002),
                 _building_feature(buildings[a4], buildings[unchanged].geom, number=top + 3, maks=9_000_000_003)]
    outcomes = _rule_both_ways(django_db_blocker, monkeypatch, features, {"mode": "replace", "area": area})
    numbers = sorted([*(buildings[pk].tucbs_no for pk in (a1, a2, a3, a4)), top + 1, top + 3])
    expected = [f"tucbsNo {', '.join(map(str, numbers))} (6 features)"]
    # (afterwards as a large batch: TopologyRule.large_batch, the same as batch_sql – tested above)
    assert outcomes == [(True, True, expected), (False, True, expected)]


@pytest.mark.parametrize("alongside", [True, False])
def test_an_append_asks_the_overlap_rule_alongside_its_insert_and_names_what_the_usual_way_names(
        django_db_setup, django_db_blocker, monkeypatch, alongside):
    """A large append asks BINA_NO_OVERLAP alongside its INSERT, of every stored building and the
    file's: a new building over a stored one, two new ones over each other, one more over another
    stored one – named with the numbers the insert gives (a file without tucbsNo: the layer's next
    ones, in file order); not a new one edge to edge with another, nor the stored buildings.
    CBS_IMPORT_RULES_ALONGSIDE=0 asks after the write instead, with the same answer."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    with django_db_blocker.unblock():
        stored = list(Bina.objects.order_by("pk")[:2])
        top = _top_number()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT ST_XMax(e), ST_YMin(e) "
                           "FROM (SELECT ST_Extent(geom)::geometry AS e FROM layers_bina) x")
            x0, y0 = cursor.fetchone()
    srid = stored[0].geom.srid
    size = 0.0001 if srid == 4326 else 10

    def square(n: int):
        return MultiPolygon(Polygon.from_bbox((x0 + n * size, y0, x0 + (n + 1) * size, y0 + size)), srid=srid)

    template = stored[0]
    features = [_building_feature(template, stored[0].geom, maks=9_000_000_001),  # over a stored one
                _building_feature(template, square(2), maks=9_000_000_002),  # these two overlap
                _building_feature(template, square(2), maks=9_000_000_003),
                _building_feature(template, square(3), maks=9_000_000_004),  # edge to edge with them
                _building_feature(template, stored[1].geom, maks=9_000_000_005)]
    outcomes = _rule_both_ways(django_db_blocker, monkeypatch, features, {"mode": "append"}, alongside)
    expected = [f"tucbsNo {', '.join(map(str, [top + 1, top + 2, top + 3, top + 5]))} (4 features)"]
    # (afterwards as an append asks it: batch_sql over the inserted rows)
    assert outcomes == [(alongside, False, expected), (False, False, expected)]


def test_a_question_alongside_is_cancelled_on_the_server(django_db_setup, django_db_blocker):
    """A refused import does not leave its second connection's question running."""
    import time

    from layers.imports.alongside import Alongside

    with django_db_blocker.unblock():
        side = Alongside(lambda cursor: cursor.execute("SELECT pg_sleep(60)")).start()
        time.sleep(1)
        started = time.monotonic()
        side.cancel()
        assert time.monotonic() - started < 5
        assert side.answer() == (False, None)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' "
                           "AND state = 'active'")
            assert cursor.fetchone()[0] == 0
