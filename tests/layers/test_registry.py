import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from layers.models import Mahalle
from layers.registry import Access, Layer, all_layers, get_layer, register_layer


class RegistryTests:
    def test_expected_layers_registered(self):
        """The eight TUCBS layers of the foundation, then the four asset layers, are registered
        under their collection ids."""
        assert [layer.name for layer in all_layers()] == [
            "id-mahalle", "ad-yol", "bi-bina", "ad-numarataj", "ul-karayolu", "kh-hizmet",
            "ak-imar", "tk-parsel", "ay-lokasyon", "ay-fiber", "ay-cihaz", "kh-kamera",
        ]

    @pytest.mark.parametrize("layer", all_layers(), ids=lambda layer: layer.name)
    def test_geometry_column_has_storage_srid_and_index(self, layer):
        """Every geometry column is in the storage CRS and spatially indexed."""
        geom = layer.geometry()
        assert geom.srid == settings.CBS_SRID
        assert geom.spatial_index

    @pytest.mark.parametrize("layer", all_layers(), ids=lambda layer: layer.name)
    def test_common_tucbs_attributes_published(self, layer):
        """Every layer publishes tucbsNo and the version/validity attributes under TUCBS names."""
        assert {"tucbsNo", "surumBaslangicZamani", "surumBitisZamani", "gecerlilikBaslangici",
                "gecerlilikSonu"} <= set(layer.properties())

    def test_duplicate_name_rejected(self):
        """Registering a second layer under an existing name fails at start-up."""
        with pytest.raises(ImproperlyConfigured):
            register_layer(type("Dup", (Layer,), {"model": Mahalle, "name": "id-mahalle",
                                                   "theme": "ID", "title": "x"}))

    def test_sensitive_layer_cannot_be_public(self):
        """A layer flagged sensitive cannot be declared public."""
        with pytest.raises(ImproperlyConfigured):
            register_layer(type("Bad", (Layer,), {"model": Mahalle, "name": "id-bad", "theme": "ID",
                                                   "title": "x", "sensitive": True,
                                                   "access": Access.PUBLIC}))

    def test_misspelt_field_rejected(self):
        """A published field that the model lacks fails at registration."""
        with pytest.raises(Exception):
            register_layer(type("Typo", (Layer,), {"model": Mahalle, "name": "id-typo", "theme": "ID",
                                                    "title": "x", "published_fields": ("adii",)}))

    def test_parcels_are_internal(self):
        """TKGM parcels are internal and sensitive."""
        parsel = get_layer("tk-parsel")
        assert parsel.access == Access.INTERNAL and parsel.sensitive


class LayerStateTests:
    def test_a_change_by_any_process_is_seen_at_once(self, db):
        """PostgreSQL is the truth: a change committed by another host, a worker or a management
        command (here: behind the services' back) is what the next question answers."""
        from layers.models import LayerCounter, LayerPublication
        from layers.state import layer_state

        before = layer_state()
        LayerPublication.objects.filter(layer="id-mahalle").update(state="taslak")
        LayerCounter.objects.filter(layer="id-mahalle").update(config_generation=12345)
        after = layer_state()
        assert after.states["id-mahalle"] == "taslak"
        assert after.configs["id-mahalle"] == 12345
        assert after.config_key != before.config_key
