"""Map search: mahalle, road, 'road + door number', building id, ada/parsel — visible layers only."""

from layers.models import Numarataj, Parsel
from layers.registry import all_layers
from layers.selectors import map_search

ALL = frozenset(layer.name for layer in all_layers())


class MapSearchTests:
    def test_road_and_door_number_as_typed(self, db):
        """'Şehit Er Cd 12' finds door number 12 on Şehit Er Caddesi."""
        hits = map_search("Şehit Er Cd 12", ALL)
        assert hits and hits[0].layer == "ad-numarataj"
        door = Numarataj.objects.get(tucbs_no=hits[0].tucbs_no)
        assert (door.yol.adi, door.kapi_numarasi) == ("Şehit Er", "12")

    def test_mahalle_and_parcel(self, db):
        """Mahalle by name; parcels by ada/parsel only for callers who may see parcels."""
        assert map_search("beştelsiz", ALL)[0].label == "Beştelsiz Mahallesi"
        parcel = Parsel.objects.order_by("pk").first()
        query = f"{parcel.ada_no}/{parcel.parsel_no}"
        assert any(h.layer == "tk-parsel" for h in map_search(query, ALL))
        assert not any(h.layer == "tk-parsel" for h in map_search(query, ALL - {"tk-parsel"}))

    def test_short_or_hostile_queries(self, db):
        """One letter finds nothing; SQL-looking text is just text."""
        assert map_search("a", ALL) == []
        assert map_search("'; DROP TABLE layers_bina; --", ALL) == []


def test_map_page_and_search_endpoint(client, db):
    """The map page carries its configuration as JSON; search answers JSON."""
    page = client.get("/map/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert 'id="map-config"' in page and "tk-parsel" not in page
    body = client.get("/map/search", {"q": "Beştelsiz"}).json()
    assert body["results"][0]["layer"] == "id-mahalle"
