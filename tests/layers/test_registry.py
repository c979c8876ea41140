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
    def test_answer_is_reused_until_a_write_renews_the_stamp(self, db):
        """The gate's publication states come from process memory while the stamp is unchanged;
        any write through the services renews it, so the next question reads the database."""
        from layers.models import LayerPublication
        from layers.state import forget_layer_state, layer_state

        before = layer_state()
        assert layer_state() is before  # no query, same answer
        LayerPublication.objects.filter(layer="id-mahalle").update(state="taslak")  # behind its back
        assert layer_state() is before
        forget_layer_state()  # what every service write does
        assert layer_state().states["id-mahalle"] == "taslak"
