"""Search everywhere (cbs.search): Turkish folding, addresses, parcels, assets, tickets, coordinates."""

from cbs.coordinates import coordinate_hits
from cbs.search import search_everywhere
from cbs.testing import make_user
from layers.registry import all_layers, get_layer
from layers.search import layer_search
from layers.services import FeatureInput, feature_create

ALL = frozenset(layer.name for layer in all_layers())


def labels(hits):
    return [h.label for h in hits]


class LayerSearchTests:
    def test_street_and_door_number_without_turkish_letters(self, db):
        hits = layer_search("sehit er 12", ALL)
        assert hits[0].label == "Şehit Er Caddesi No: 12" and hits[0].layer == "ad-numarataj"
        assert layer_search("Şehit Er Cd 12", ALL)[0].label == "Şehit Er Caddesi No: 12"

    def test_dotted_and_dotless_i_fold_both_ways(self, db):
        feature_create(layer=get_layer("kh-hizmet"), feature=FeatureInput(
            {"adi": "İstasyon Sağlık Ocağı", "hizmetTipi": "saglik"},
            {"type": "Point", "coordinates": [28.905, 41.0]}))
        for query in ("ISTASYON", "istasyon", "İSTASYON", "ıstasyon saglik ocagi"):
            assert "İstasyon Sağlık Ocağı" in labels(layer_search(query, ALL)), query
        assert "Ilgın Sokak" in labels(layer_search("ILGIN", ALL))

    def test_parcels_only_for_who_may_see_them(self, db):
        from layers.models import Parsel

        parcel = Parsel.objects.order_by("pk").first()
        query = f"{parcel.ada_no}/{parcel.parsel_no}"
        assert f"Ada {parcel.ada_no} Parsel {parcel.parsel_no}" in labels(layer_search(query, ALL))
        assert not [h for h in layer_search(query, ALL - {"tk-parsel"}) if h.layer == "tk-parsel"]

    def test_buildings_closest_name_first(self, db):
        """Among the many buildings holding every word, the one whose whole name is closest comes
        first (trigram distance from the GiST index), not the alphabetically first ("… 12")."""
        buildings = [h.label for h in layer_search("akasya apt 2", ALL) if h.layer == "bi-bina"]
        assert buildings[0] == "Akasya Apt. 2", buildings
        assert len(buildings) == 6 and all("2" in label for label in buildings)

    def test_short_or_hostile_queries(self, db):
        assert layer_search("a", ALL) == []
        assert layer_search("'; DROP TABLE layers_bina; --", ALL) == []
        assert layer_search("%_%", ALL) == []


class EverywhereTests:
    def test_asset_by_ip_and_ticket_by_number_for_granted_users_only(self, db):
        from backoffice.assets.models import Camera
        from backoffice.tickets.models import Ticket

        camera = Camera.objects.exclude(ip=None).order_by("tucbs_no").first()
        from backoffice.tickets import services as tickets
        from backoffice.tickets.models import Category

        ticket = tickets.ticket_open(user=None, data=tickets.TicketInput(
            title="Kamera görüntü yok", description="Görüntü yok.", channel="telefon",
            category=Category.objects.get(name="Görüntü yok"), priority=2, requester_name="Ayşe Yılmaz",
            requester_phone="0532 123 45 67", consent_note="sözlü", address="Telsiz Mah."))
        assert Ticket.objects.filter(pk=ticket.pk).exists()
        staff = make_user(("module:assets", "view"), ("module:tickets", "view"))
        groups = {g["kind"]: g for g in search_everywhere(camera.ip, user=staff, visible=ALL)}
        assert groups["asset"]["results"][0]["label"] == f"Kamera {camera.adi} ({camera.ip})"
        found = search_everywhere(ticket.number, user=staff, visible=ALL)
        assert any(r["label"].startswith(f"#{ticket.number}") for g in found for r in g["results"])
        nobody = make_user()
        assert not [g for g in search_everywhere(ticket.number, user=nobody, visible=ALL) if g["kind"] == "ticket"]
        assert not [g for g in search_everywhere(camera.ip, user=nobody, visible=ALL) if g["kind"] == "asset"]

    def test_http_groups(self, client, db):
        body = client.get("/search/", {"q": "Beştelsiz"}).json()
        assert body["groups"][0]["kind"] == "mahalle"
        assert body["groups"][0]["results"][0]["label"] == "Beştelsiz Mahallesi"


class CoordinateTests:
    def test_notations(self, db):
        for text in ("41.0061 28.9032", "28,9032 41,0061", "41°0'21.96\"N 28°54'11.52\"E", "K 41 0 21.96 D 28 54 11.52"):
            hit = coordinate_hits(text)[0]
            assert abs(hit.extra["point"][0] - 28.9032) < 1e-5 and abs(hit.extra["point"][1] - 41.0061) < 1e-5, text
        for text in ("407500 4541200", "Y=407500 X=4541200", "X=4541200 Y=407500"):
            hit = coordinate_hits(text)[0]
            assert hit.label == "EPSG:5254 Y 407500.00 X 4541200.00", text

    def test_a_position_is_only_a_position(self, db):
        """A typed position goes to the position: no name search for "41" or "0061"; two whole
        numbers may still be an ada/parsel."""
        staff = make_user(("module:assets", "view"), ("module:tickets", "view"))
        assert [g["kind"] for g in search_everywhere("41.0061 28.9032", user=staff, visible=ALL)] == ["coordinates"]
        from layers.models import Parsel

        Parsel.objects.filter(pk=Parsel.objects.order_by("pk").first().pk).update(ada_no=41, parsel_no=29)
        kinds = [g["kind"] for g in search_everywhere("41 29", user=staff, visible=ALL)]
        assert kinds == ["coordinates", "parcel"], kinds

    def test_not_coordinates(self, db):
        for text in ("sehit er 12", "123/4", "10.2.3.4", "1 2", "95 500"):
            assert coordinate_hits(text) == [], text
