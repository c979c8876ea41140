import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from layers.models import Bina, Mahalle, Numarataj, Yol
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create, feature_delete, feature_update, features_bulk_create
from tests.geometries import BOWTIE_5254, POINT_ANKARA, SQUARE_5254

BINA = get_layer("bi-bina")
NUMARATAJ = get_layer("ad-numarataj")
GOOD_BINA = {"binaKimlikNo": 99_000_001, "zeminUstuKatSayisi": 3, "yapiGrubuTipi": "AGrubu"}


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def topology_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'cbs_import' AND tablename LIKE 'topology%%'")
        return [row[0] for row in cursor.fetchall()]


class FeatureCreateTests:
    def test_creates_with_next_tucbs_no_and_version_one(self, db):
        """A new feature gets a tucbsNo above every existing one, and version 1."""
        before = Bina.objects.order_by("-tucbs_no").first().tucbs_no
        bina = feature_create(layer=BINA, feature=FeatureInput(GOOD_BINA, SQUARE_5254))
        assert bina.tucbs_no > before
        assert bina.version == 1
        assert bina.geom.srid == 5254

    def test_numbers_never_reused_after_delete(self, db):
        """Deleting the newest feature does not free its tucbsNo for the next one."""
        first = feature_create(layer=BINA, feature=FeatureInput(GOOD_BINA, SQUARE_5254))
        feature_delete(layer=BINA, instance=first)
        second = feature_create(layer=BINA, feature=FeatureInput(
            {**GOOD_BINA, "binaKimlikNo": 99_000_002}, SQUARE_5254))
        assert second.tucbs_no == first.tucbs_no + 1

    def test_polygon_promoted_and_lonlat_transformed(self, db):
        """A CRS84 Polygon is transformed to the storage CRS and stored as MultiPolygon."""
        polygon = {"type": "Polygon", "coordinates": [[[28.905, 41.0], [28.9052, 41.0],
                                                       [28.9052, 41.0002], [28.905, 41.0]]]}
        bina = feature_create(layer=BINA, feature=FeatureInput(GOOD_BINA, polygon))
        assert bina.geom.geom_type == "MultiPolygon"
        assert bina.geom.srid == 5254
        assert 400_000 < bina.geom.centroid.x < 420_000  # easting of TM30 near 28.9°E

    def test_wrong_geometry_type_is_field_error_in_turkish(self, db):
        """A point for a polygon layer is refused with a Turkish message on the geometry."""
        with translation.override("tr"):
            errors = errors_of(lambda: feature_create(
                layer=BINA, feature=FeatureInput(GOOD_BINA, {"type": "Point", "coordinates": [28.9, 41.0]})))
        assert "Yanlış geometri tipi" in errors["geom"][0]

    def test_invalid_geometry_reports_reason(self, db):
        """A self-intersecting polygon is refused with GEOS's reason."""
        errors = errors_of(lambda: feature_create(layer=BINA, feature=FeatureInput(GOOD_BINA, BOWTIE_5254)))
        assert "Self-intersection" in errors["geom"][0]

    def test_outside_municipality_refused(self, db):
        """A geometry in Ankara is refused for a Zeytinburnu layer."""
        errors = errors_of(lambda: feature_create(
            layer=get_layer("kh-hizmet"),
            feature=FeatureInput({"adi": "X", "hizmetTipi": "saglik"}, POINT_ANKARA)))
        assert "geom" in errors

    def test_code_list_and_ranges_checked(self, db):
        """Unknown code-list values and out-of-range numbers are field-keyed errors."""
        bad = {**GOOD_BINA, "yapiGrubuTipi": "ZGrubu", "zeminUstuKatSayisi": 500}
        errors = errors_of(lambda: feature_create(layer=BINA, feature=FeatureInput(bad, SQUARE_5254)))
        assert {"yapi_grubu_tipi", "zemin_ustu_kat_sayisi"} <= set(errors)

    def test_unknown_attribute_refused(self, db):
        """An attribute the layer does not publish is refused, not silently dropped."""
        errors = errors_of(lambda: feature_create(
            layer=BINA, feature=FeatureInput({**GOOD_BINA, "renk": "mavi"}, SQUARE_5254)))
        assert "renk" in errors["__all__"][0]

    def test_non_finite_coordinates_refused(self, db):
        """NaN coordinates never reach the database."""
        errors = errors_of(lambda: feature_create(
            layer=get_layer("kh-hizmet"),
            feature=FeatureInput({"adi": "X", "hizmetTipi": "saglik"}, "SRID=5254;POINT(NaN 4541100)")))
        assert "geom" in errors


class BulkCreateTests:
    def test_one_bad_feature_writes_nothing(self, db):
        """A batch with one invalid feature stores none of them and names the bad one."""
        before = Bina.objects.count()
        batch = [FeatureInput({**GOOD_BINA, "binaKimlikNo": 99_000_010 + i}, SQUARE_5254) for i in range(3)]
        batch.append(FeatureInput({**GOOD_BINA, "binaKimlikNo": 99_000_020}, BOWTIE_5254))
        errors = errors_of(lambda: features_bulk_create(layer=BINA, features=batch))
        assert any("4" in key for key in errors)
        assert Bina.objects.count() == before

    def test_duplicates_in_batch_and_table_reported(self, db):
        """Unique values repeated in a batch or already stored are refused for the whole batch."""
        existing = Bina.objects.first().bina_kimlik_no
        batch = [FeatureInput({**GOOD_BINA, "binaKimlikNo": existing}, SQUARE_5254)]
        errors = errors_of(lambda: features_bulk_create(layer=BINA, features=batch))
        assert "binaKimlikNo" in errors

    def test_overlapping_buildings_refused_as_a_batch(self, db):
        """Topology rules run on bulk loads too: a batch whose buildings overlap each other (or a
        stored one) is refused whole, naming the features; nothing stays behind."""
        before = Bina.objects.count()
        batch = [FeatureInput({**GOOD_BINA, "binaKimlikNo": 99_000_030 + i}, SQUARE_5254) for i in range(2)]
        with translation.override("en"):
            errors = errors_of(lambda: features_bulk_create(layer=BINA, features=batch))
        assert "The building overlaps another building." in errors
        assert "2 features" in errors["The building overlaps another building."][0]
        assert Bina.objects.count() == before
        assert topology_tables() == []

    def test_batch_table_is_dropped_after_a_stored_batch(self, db):
        """The rules' table of ids (unlogged, so parallel workers can read it) does not outlive the write."""
        row = {**GOOD_BINA, "binaKimlikNo": 99_000_040}
        assert features_bulk_create(layer=BINA, features=[FeatureInput(row, SQUARE_5254)]) == 1
        assert topology_tables() == []

    def test_batch_topology_warning_is_recorded(self, db):
        """A door number off every building is stored, and the warning is in the audit record."""
        from cbs.audit.models import AuditRecord

        road, mahalle = Yol.objects.first(), Mahalle.objects.first()
        row = {"kapiNumarasi": "5", "uavtAdresNo": 1_999_999_998, "postaKodu": "34020",
               "yol": road.tucbs_no, "mahalle": mahalle.uavt_kodu}
        far = mahalle.geom.point_on_surface  # an inner point, not on a building (checked below)
        assert not Bina.objects.filter(geom__dwithin=(far, 0.01)).exists()
        with translation.override("en"):
            assert features_bulk_create(layer=NUMARATAJ, features=[FeatureInput(row, far.ewkt)]) == 1
        record = AuditRecord.objects.filter(action="bulk_create", object_type="layer:ad-numarataj").latest("id")
        assert list(record.after["topology_warnings"]) == ["The door number does not touch a building."]

    def test_missing_reference_reported(self, db):
        """A door number pointing at an unknown road is refused."""
        row = {"kapiNumarasi": "5", "uavtAdresNo": 1_999_999_999, "postaKodu": "34020",
               "yol": 999_999, "mahalle": 40838}
        errors = errors_of(lambda: features_bulk_create(
            layer=NUMARATAJ, features=[FeatureInput(row, "SRID=5254;POINT(407900 4541100)")]))
        assert "yol" in errors


class FeatureUpdateDeleteTests:
    def test_update_bumps_version(self, db):
        """Changing a feature increments its version and keeps its tucbsNo."""
        bina = Bina.objects.first()
        number, version = bina.tucbs_no, bina.version
        bina = feature_update(layer=BINA, instance=bina, properties={"zeminUstuKatSayisi": 4, "tucbsNo": 1})
        bina.refresh_from_db()
        assert (bina.version, bina.tucbs_no, bina.zemin_ustu_kat_sayisi) == (version + 1, number, 4)

    def test_referenced_feature_cannot_be_deleted(self, db):
        """A building that a door number points to is protected, with a clear message."""
        bina = Numarataj.objects.exclude(bina=None).first().bina
        with pytest.raises(ValidationError):
            feature_delete(layer=BINA, instance=bina)
        assert Bina.objects.filter(pk=bina.pk).exists()
