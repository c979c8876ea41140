"""Spatial and graph questions on a small known network built in the test."""

from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import Point

from backoffice.assets import selectors
from backoffice.assets.models import License, NetworkDevice
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create

X, Y = 407900.0, 4541100.0  # inside Zeytinburnu, EPSG:5254


def at(dx: float, dy: float) -> str:
    return f"SRID=5254;POINT({X + dx} {Y + dy})"


@pytest.fixture
def network(db):
    """Site T-A with root switch A; site T-B with B (uplink A, over fiber F); C below B; camera K on C."""
    site, fiber_layer = get_layer("ay-lokasyon"), get_layer("ay-fiber")
    dev, cam = get_layer("ay-cihaz"), get_layer("kh-kamera")
    for code, dx in (("T-A", 0), ("T-B", 400)):
        feature_create(layer=site, feature=FeatureInput({"kod": code, "adi": code, "tur": "kabinet"}, at(dx, 0)))
    f = feature_create(layer=fiber_layer, feature=FeatureInput(
        {"adi": "T-A – T-B", "baslangicLokasyon": "T-A", "bitisLokasyon": "T-B", "damarSayisi": 12},
        f"SRID=5254;LINESTRING({X} {Y}, {X + 400} {Y})"))
    a = feature_create(layer=dev, feature=FeatureInput({"adi": "A", "tur": "switch", "lokasyon": "T-A",
                                                        "durum": "aktif"}, at(0, 1)))
    b = feature_create(layer=dev, feature=FeatureInput({"adi": "B", "tur": "switch", "lokasyon": "T-B", "durum": "aktif",
                                                        "uplink": a.tucbs_no, "uplinkFiber": f.tucbs_no}, at(400, 1)))
    c = feature_create(layer=dev, feature=FeatureInput({"adi": "C", "tur": "erisimNoktasi", "lokasyon": "T-B",
                                                        "durum": "aktif", "uplink": b.tucbs_no}, at(401, 2)))
    k = feature_create(layer=cam, feature=FeatureInput({
        "adi": "K", "tur": "kgys", "montaj": "direk", "kameraTipi": "sabit", "azimut": 90, "gorusAcisi": 60,
        "menzil": 100, "durum": "aktif", "baglantiCihazi": c.tucbs_no, "lokasyon": "T-B"}, at(0, 0)))
    return {"a": a, "b": b, "c": c, "f": f, "k": k}


def storage(dx, dy) -> Point:
    return Point(X + dx, Y + dy, srid=5254)


class OutageTests:
    def test_failed_root_cuts_everything_below(self, network):
        impact = selectors.outage_impact(device=network["a"].tucbs_no)
        assert {d["title"] for d in impact.devices} == {"A", "B", "C"}
        assert [c["title"] for c in impact.cameras] == ["K"]
        assert {s["title"] for s in impact.sites} == {"T-A T-A", "T-B T-B"}
        assert sum(m["devices"] for m in impact.per_mahalle) == 3
        assert all(m["mahalle"] for m in impact.per_mahalle)  # every place lies in a mahalle

    def test_failed_fiber_cuts_what_it_feeds_not_the_root(self, network):
        impact = selectors.outage_impact(fiber=network["f"].tucbs_no)
        assert {d["title"] for d in impact.devices} == {"B", "C"}
        assert [c["title"] for c in impact.cameras] == ["K"]

    def test_leaf_failure_cuts_only_itself_and_its_camera(self, network):
        impact = selectors.outage_impact(device=network["c"].tucbs_no)
        assert [d["title"] for d in impact.devices] == ["C"] and len(impact.cameras) == 1


class CoverageTests:
    @pytest.mark.parametrize(("dx", "dy", "seen"), [(50, 0, True), (95, 10, True), (50, 40, False),
                                                     (0, 50, False), (150, 0, False), (-50, 0, False)])
    def test_which_cameras_see_a_point(self, network, dx, dy, seen):
        """K looks east (90°) with a 60° field of view and 100 m range."""
        hits = [c["title"] for c in selectors.cameras_seeing(storage(dx, dy))]
        assert ("K" in hits) is seen

    def test_retired_camera_sees_nothing(self, network):
        from backoffice.assets.models import Camera

        Camera.objects.filter(pk=network["k"].pk).update(durum="hizmetDisi")
        assert "K" not in [c["title"] for c in selectors.cameras_seeing(storage(50, 0))]


class NearTests:
    def test_radius_search_nearest_first(self, network):
        hits = selectors.assets_near(storage(0, 0), 30)
        titles = [h.title for h in hits]
        assert {"T-A T-A", "A", "K"} <= set(titles) and "B" not in titles
        assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)

    def test_search_by_ip_mac_serial_site(self, db):
        device = NetworkDevice.objects.exclude(ip=None).select_related("lokasyon").first()
        for query in (device.ip, device.mac.upper(), device.seri_no, device.lokasyon.kod):
            assert any(h.kind == "cihaz" and h.id == device.tucbs_no for h in selectors.asset_search(query)), query


class ExpiryTests:
    def test_licences_and_warranties_in_the_window(self, db):
        today = date(2030, 1, 1)
        License.objects.create(name="Soon", seats=1, expires_on=today + timedelta(days=30))
        License.objects.create(name="Later", seats=1, expires_on=today + timedelta(days=120))
        License.objects.create(name="Gone", seats=1, expires_on=today - timedelta(days=1))
        titles = [e.title for e in selectors.expiring(90, today=today)]
        assert "Soon (1)" in titles and "Later (1)" not in titles and "Gone (1)" not in titles
