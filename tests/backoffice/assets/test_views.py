"""Asset pages and JSON helpers through the permission surface, and their bad-input answers."""

import pytest
from django.urls import reverse

from backoffice.assets.models import Assignment, InventoryItem, MaintenanceRecord, Staff
from cbs.testing import Route, assert_route_permissions, make_user


def free_item_pk() -> int:
    return InventoryItem.objects.filter(assignments__isnull=True).values_list("pk", flat=True).first()


ROUTES = [
    Route("asset search", lambda: reverse("assets:search") + "?q=ZB-CORE", ("module:assets", "view")),
    Route("device page", lambda: reverse("assets:asset", args=["cihaz", 1]), ("module:assets", "view")),
    Route("camera page", lambda: reverse("assets:asset", args=["kamera", 1]), ("module:assets", "view")),
    Route("site page", lambda: reverse("assets:asset", args=["lokasyon", 1]), ("module:assets", "view")),
    Route("fiber page", lambda: reverse("assets:asset", args=["fiber", 1]), ("module:assets", "view")),
    Route("item page", lambda: reverse("assets:item", args=[1]), ("module:assets", "view")),
    Route("holdings", lambda: reverse("assets:holdings") + "?unit=1", ("module:assets", "view")),
    Route("expiring", lambda: reverse("assets:expiring"), ("module:assets", "view")),
    Route("asset map", lambda: reverse("assets:map"), ("module:assets", "view")),
    Route("near", lambda: reverse("assets:api_near") + "?lon=28.905&lat=41&r=200", ("module:assets", "view")),
    Route("cameras seeing", lambda: reverse("assets:api_cameras_seeing") + "?lon=28.905&lat=41",
          ("module:assets", "view")),
    Route("outage", lambda: reverse("assets:api_outage") + "?device=3", ("module:assets", "view")),
    Route("sectors", lambda: reverse("assets:api_sectors"), ("module:assets", "view")),
    Route("assign (write)", lambda: reverse("assets:item", args=[free_item_pk()]), ("module:assets", "edit"),
          method="post", data=lambda: {"action": "assign", "assign-staff": Staff.objects.first().pk,
                                       "assign-document_no": "ZT-99", "assign-on": "2026-01-05"},
          allowed=(302,), creates=Assignment),
    Route("maintenance (write)", lambda: reverse("assets:maintenance_add", args=["kamera", 1]),
          ("module:assets", "edit"), method="post",
          data={"done_on": "2026-01-05", "fault": "Görüntü yok", "action": "Kablo değişti", "parts": "",
                "outcome": "giderildi"}, allowed=(302,), creates=MaintenanceRecord),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_permission_surface(client, db, route):
    assert_route_permissions(client, route)


class BadInputTests:
    @pytest.fixture
    def tech(self, client, db):
        client.force_login(make_user(("module:assets", "edit")))
        return client

    @pytest.mark.parametrize("query", ["lon=abc&lat=41&r=10", "lon=28.9&lat=95&r=10", "lon=28.9&lat=41&r=0",
                                       "lon=28.9&lat=41&r=99999", "lat=41"])
    def test_near_bad_numbers_are_400_with_a_message(self, tech, query):
        response = tech.get(reverse("assets:api_near") + "?" + query, HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 400 and response.json()["error"]

    def test_outage_without_a_target_is_400(self, tech):
        assert tech.get(reverse("assets:api_outage") + "?device=x").status_code == 400

    def test_bad_bbox_is_400(self, tech):
        assert tech.get(reverse("assets:api_sectors") + "?bbox=1,2,3").status_code == 400

    def test_unknown_kind_or_asset_is_404(self, tech):
        assert tech.get(reverse("assets:asset", args=["nope", 1])).status_code == 404
        assert tech.get(reverse("assets:asset", args=["cihaz", 999999])).status_code == 404

    def test_second_assignment_shows_the_reason_and_writes_nothing(self, tech):
        held = Assignment.objects.filter(returned_on__isnull=True).select_related("item").first()
        other = Staff.objects.exclude(pk=held.staff_id).first()
        before = Assignment.objects.count()
        response = tech.post(reverse("assets:item", args=[held.item_id]), {
            "action": "assign", "assign-staff": other.pk, "assign-document_no": "ZT-1", "assign-on": "2026-01-05"},
            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert held.staff.name in response.content.decode()
        assert Assignment.objects.count() == before

    def test_asset_names_are_escaped(self, tech):
        from backoffice.assets.models import Site

        Site.objects.filter(tucbs_no=1).update(adi="<img src=x onerror=alert(1)>")
        body = tech.get(reverse("assets:asset", args=["lokasyon", 1])).content.decode()
        assert "<img src=x" not in body and "&lt;img src=x" in body


class OgcGateTests:
    def test_asset_layers_never_public_and_visible_to_asset_staff(self, client, db):
        assert client.get("/ogc/collections/kh-kamera/items").status_code == 404
        assert client.get("/ogc/collections/ay-cihaz/tiles/WebMercatorQuad/14/6142/9507").status_code == 404
        client.force_login(make_user(("layers:*", "edit")))  # a GIS editor: not an asset user
        assert client.get("/ogc/collections/kh-kamera/items").status_code == 404
        client.force_login(make_user(("module:assets", "view")))
        assert client.get("/ogc/collections/kh-kamera/items?limit=1").json()["features"]

    def test_partner_sees_cameras_only_under_a_protocol_and_never_publicly(self, client, db, partner):
        """The police (a partner) read KGYS cameras once the layer is shared under protocol and
        their protocol names it; the layer can never be made public."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from layers.models import PublicationState
        from layers.publication import publication_set
        from layers.registry import get_layer

        auth = {"HTTP_AUTHORIZATION": f"Bearer {partner.value}"}
        cameras = get_layer("kh-kamera")
        with pytest.raises(DjangoValidationError):
            publication_set(layer=cameras, state=PublicationState.HERKESE_ACIK,
                            decision_number="2026/9", decision_date="2026-01-10")
        publication_set(layer=cameras, state=PublicationState.PROTOKOLLU, decision_number="2026/9",
                        decision_date="2026-01-10")
        assert client.get("/ogc/collections/kh-kamera/items", **auth).status_code == 404  # not in protocol
        partner.protokol.layers = ["bi-bina", "kh-kamera"]
        partner.protokol.save()
        body = client.get("/ogc/collections/kh-kamera/items?limit=5", **auth).json()
        assert len(body["features"]) == 5
        assert client.get("/ogc/collections/kh-kamera/items").status_code == 404  # anonymous


def test_maintenance_in_the_future_is_refused_with_a_message(client, db):
    client.force_login(make_user(("module:assets", "edit")))
    before = MaintenanceRecord.objects.count()
    response = client.post(reverse("assets:maintenance_add", args=["cihaz", 1]), {
        "done_on": "2999-01-01", "fault": "x", "action": "y", "outcome": "giderildi"}, follow=True,
        HTTP_ACCEPT_LANGUAGE="en")
    assert "future" in response.content.decode()
    assert MaintenanceRecord.objects.count() == before
