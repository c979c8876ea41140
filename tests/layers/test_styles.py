"""Layer looks come from the registry: labels, classes with code-list labels, legend."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from layers.registry import Layer, get_layer, register_layer
from layers.styles import legend_of, scale_of_zoom, style_of, zoom_of_scale


def test_zoning_is_classified_by_land_use_with_turkish_labels():
    with translation.override("tr"):
        style = style_of(get_layer("ak-imar"))
    assert style.class_property == "planliAraziKullanimKarariDeger"
    by_value = {c.value: c for c in style.classes}
    assert by_value["konut"].label == "Konut" and by_value["konut"].color == "#ffe600"
    assert by_value["parkYesilAlan"].color == "#33a02c"
    assert len({c.color for c in style.classes}) == len(style.classes)  # every class tells apart
    assert style.color_of("sanayi") == by_value["sanayi"].color
    assert style.color_of("unknown") == style.color


def test_labels_are_published_columns_from_their_zoom():
    door = style_of(get_layer("ad-numarataj"))
    assert (door.label_property, door.label_min_zoom) == ("kapiNumarasi", 17)
    assert style_of(get_layer("id-mahalle")).label_property == "adi"
    assert get_layer("ad-numarataj").properties().get("kapiNumarasi")


def test_an_unclassified_layer_has_one_legend_entry_named_after_it():
    with translation.override("tr"):
        (entry,) = legend_of(get_layer("bi-bina"))
    assert (entry.value, entry.label, entry.color) == (None, "Binalar", "#b2182b")
    assert style_of(get_layer("bi-bina")).as_json()["classes"][0]["label"] == "Binalar"


def test_styling_by_an_unpublished_field_is_refused():
    base = get_layer("bi-bina")

    class Wrong(Layer):
        model = base.model
        name = "bi-yanlis"
        theme = "BI"
        title = "x"
        map_label_field = "sifre"

    with pytest.raises(ImproperlyConfigured, match="styles by 'sifre'"):
        register_layer(Wrong)


def test_scale_and_zoom_are_inverse():
    assert round(scale_of_zoom(17)) == 4265
    assert zoom_of_scale(scale_of_zoom(15.5)) == pytest.approx(15.5)
