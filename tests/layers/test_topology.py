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
