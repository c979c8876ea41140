"""The shared map's configuration, base maps an admin configures, and the identify endpoints."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from backoffice.assets.models import Camera
from layers.models import BaseMap, Numarataj
from layers.styles import base_map_of, scale_label
from layers.registry import get_layer

pytestmark = pytest.mark.django_db


def _client(role: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="tr")
    if role:
        user = get_user_model().objects.create_user(f"u-{role[:8]}-{get_user_model().objects.count()}")
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
    return client


def _config(client: Client) -> dict:
    import json

    html = client.get("/map/").content.decode()
    return json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1])


class BaseMapTests:
    def test_only_web_addresses_with_the_parts_of_their_kind(self):
        """file:, javascript: and ftp: sources are refused; XYZ needs {z}/{x}/{y}; WMS needs layers."""
        for url in ("file:///etc/passwd", "javascript:alert(1)", "ftp://host/{z}/{x}/{y}.png"):
            with pytest.raises(ValidationError) as caught:
                BaseMap(name="x", kind="xyz", url=url).full_clean()
            assert "url" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            BaseMap(name="x", kind="xyz", url="https://tiles.example.org/tile.png").full_clean()
        assert "url" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            BaseMap(name="x", kind="wms", url="https://ortofoto.example.org/wms").full_clean()
        assert "layers" in caught.value.message_dict
        BaseMap(name="ok", kind="wms", url="https://ortofoto.example.org/wms", layers="ortofoto2024").full_clean()

    def test_configured_base_maps_are_offered_and_admitted_by_the_page_policy(self):
        """The switcher lists our own base map first, the configured ones (the default chosen)
        and none; the page's CSP admits images from the configured host only."""
        BaseMap.objects.create(name="Ortofoto 2024", kind="wms", url="https://ortofoto.example.org/wms",
                               layers="ortofoto2024", is_default=True)
        BaseMap.objects.create(name="Kapalı", kind="xyz", url="https://off.example.org/{z}/{x}/{y}.png",
                               enabled=False)
        client = _client(None)
        config = _config(client)
        assert [b["id"] for b in config["basemaps"]][0] == "kent" and config["basemaps"][-1]["id"] == "none"
        names = [b["name"] for b in config["basemaps"]]
        assert "Ortofoto 2024" in names and "Kapalı" not in names
        assert [b["name"] for b in config["basemaps"] if b["default"]] == ["Ortofoto 2024"]
        csp = client.get("/map/")["Content-Security-Policy"]
        assert "img-src 'self' https://ortofoto.example.org data:" in csp
        assert "off.example.org" not in csp
        assert "example.org" not in client.get("/")["Content-Security-Policy"]  # not a map page

    def test_without_configured_base_maps_our_own_is_the_default(self):
        config = _config(_client(None))
        assert [(b["id"], b["default"]) for b in config["basemaps"]] == [("kent", True), ("none", False)]


class MapConfigTests:
    def test_base_map_layers_follow_the_callers_rights(self):
        """The base map holds only layers the caller may see (the OGC gate decides), labelled from
        the registry's label field and zoom."""
        from ogc.gate import Caller, visible_collections

        anonymous = visible_collections(Caller("anonymous"))
        public = [b["layer"] for b in _config(_client(None))["baseLayers"]]
        assert public == [n for n in ("id-mahalle", "bi-bina", "ad-numarataj", "ad-yol") if n in anonymous]
        staff = {b["layer"]: b for b in _config(_client("CBS editörü"))["baseLayers"]}
        assert list(staff) == ["id-mahalle", "bi-bina", "ad-numarataj", "ad-yol"]
        assert (staff["ad-numarataj"]["label"], staff["ad-numarataj"]["labelMinZoom"]) == ("kapiNumarasi", 17)
        assert staff["ad-yol"]["labelPlacement"] == "line" and staff["id-mahalle"]["labelPlacement"] == "point"

    def test_layers_carry_their_style_and_the_scale_they_appear_from(self):
        with translation.override("tr"):
            layers = {l["name"]: l for t in _config(_client("CBS editörü"))["themes"] for l in t["layers"]}
        imar = layers["ak-imar"]["style"]
        assert imar["classProperty"] == "planliAraziKullanimKarariDeger"
        assert {"value": "konut", "label": "Konut", "color": "#ffe600"} in imar["classes"]
        assert layers["bi-bina"]["minScale"] == scale_label(14, 41.0)
        assert scale_label(14, 41.0) == "1:26\u00a0000"

    def test_base_map_of_skips_layers_the_caller_may_not_see(self):
        assert [b["layer"] for b in base_map_of([get_layer("ad-yol")])] == ["ad-yol"]


class IdentifyTests:
    def test_four_cameras_on_one_pole_are_all_found(self):
        """A click on a junction pole finds every camera on it, points before the mahalle."""
        pole = Camera.objects.values("geom").order_by("tucbs_no").first()["geom"]
        cameras = set(Camera.objects.filter(geom=pole).values_list("tucbs_no", flat=True))
        assert len(cameras) >= 2
        lonlat = pole.transform(4326, clone=True)
        response = _client("Teknisyen").get("/map/identify", {"lon": lonlat.x, "lat": lonlat.y, "tol": 3,
                                                             "layers": "kh-kamera,id-mahalle"})
        hits = response.json()["hits"]
        assert {h["id"] for h in hits if h["layer"] == "kh-kamera"} == cameras
        assert hits[-1]["layer"] == "id-mahalle" and hits[0]["rank"] == 0

    def test_hidden_and_unknown_layers_and_bad_numbers_are_a_clear_400(self):
        anonymous = _client(None)
        for params in ({"lon": "28.9", "lat": "41", "layers": "kh-kamera"},    # sensitive: not for anonymous
                       {"lon": "28.9", "lat": "41", "layers": "xx-nope"},
                       {"lon": "nan", "lat": "41", "layers": "id-mahalle"},
                       {"lon": "28.9", "lat": "41", "tol": "1e9", "layers": "id-mahalle"},
                       {"lon": "28.9", "lat": "41"}):
            response = anonymous.get("/map/identify", params)
            assert response.status_code == 400, params
            assert response.json()["detail"]
        assert anonymous.get("/map/identify/kh-kamera/1").status_code == 404
        assert anonymous.get("/map/identify/id-mahalle/99999999").status_code == 404
        assert anonymous.get("/map/identify/id-mahalle/１").status_code == 404

    def test_a_door_number_reads_like_the_edit_form(self):
        """Turkish field labels, code-list labels, local time without seconds' fractions, the road
        and mahalle by name, and the address."""
        door = Numarataj.objects.select_related("yol", "mahalle").order_by("tucbs_no").first()
        info = _client("CBS editörü").get(f"/map/identify/ad-numarataj/{door.tucbs_no}").json()
        rows = {r["label"]: r for r in info["rows"]}
        assert rows["Yol"]["value"] == str(door.yol) and rows["Yol"]["link"] == {"layer": "ad-yol", "id": door.yol.tucbs_no}
        assert rows["Mahalle"]["value"] == door.mahalle.adi
        assert rows["Giriş tipi"]["value"] == door.get_numarataj_tipi_display()
        local = timezone.localtime(door.surum_baslangic_zamani).strftime("%d.%m.%Y %H:%M")
        assert rows["Sürüm başlangıç zamanı"]["value"] == local
        assert info["address"].endswith(f"No: {door.kapi_numarasi}, {door.mahalle.adi} Mahallesi")
        assert [a["kind"] for a in info["actions"]] == ["edit", "history"]

    def test_a_camera_offers_its_ticket_and_asset_page_and_an_area_its_size(self):
        camera = Camera.objects.select_related("lokasyon").exclude(lokasyon=None).order_by("tucbs_no").first()
        info = _client("Yardım masası").get(f"/map/identify/kh-kamera/{camera.tucbs_no}").json()
        actions = {a["kind"]: a["url"] for a in info["actions"]}
        assert actions["ticket"] == f"/tickets/new/?camera={camera.tucbs_no}"
        assert "edit" not in actions  # the help desk does not edit cameras
        assert {r["label"]: r["value"] for r in info["rows"]}["Lokasyon"] == str(camera.lokasyon)
        assert "Mahallesi" in info["address"]
        mahalle = _client(None).get("/map/identify/id-mahalle/1").json()
        assert [m["label"] for m in mahalle["measures"]] == ["Alan", "Çevre"]
        assert mahalle["measures"][0]["value"].endswith(" m²")

    def test_area_label_points_one_per_feature(self):
        data = _client(None).get("/map/labels/id-mahalle", {"bbox": "28.8,40.9,29.0,41.1"}).json()
        assert len(data["features"]) == 13 and all(f["properties"]["label"] for f in data["features"])
        assert _client(None).get("/map/labels/ad-yol").status_code == 404     # not an area layer
        assert _client(None).get("/map/labels/tk-parsel").status_code == 404  # internal
        assert _client(None).get("/map/labels/id-mahalle", {"bbox": "1,2,3"}).status_code == 400
