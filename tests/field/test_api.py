"""The field app's sync endpoints: each change once, conflicts refused with the server's copy,
photos kept with their feature, bad input a translated 4xx (real PostGIS, the layer services)."""

import io
import json
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from field.models import FieldChange, FieldPhoto
from layers.models import KamuHizmeti
from layers.registry import get_layer

pytestmark = pytest.mark.django_db
LAYER = "kh-hizmet"
POINT = {"type": "Point", "coordinates": [28.9005, 40.9905]}


@pytest.fixture
def editor(client):
    user = make_user()
    user.groups.add(Group.objects.get(name="CBS editörü"))
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
    return user


def post_change(client, **body):
    return client.post("/saha/api/changes", json.dumps(body), content_type="application/json")


def new_point(**extra):
    return {"id": str(uuid.uuid4()), "layer": LAYER, "operation": "create", "geometry": POINT,
            "properties": {"adi": "Saha noktası", "hizmetTipi": "diger"}, **extra}


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#ff7f00").save(out, "JPEG")
    return out.getvalue()


class FieldSyncTests:
    def test_a_new_point_is_written_once_even_when_sent_twice(self, client, editor):
        """A create goes through feature_create (version 1, history, audit); sending the same
        change id again answers the stored result and writes nothing more."""
        change = new_point()
        first = post_change(client, **change)
        assert first.status_code == 201, first.content
        number = first.json()["tucbsNo"]
        audits = AuditRecord.objects.filter(object_type=f"layer:{LAYER}", object_id=str(number)).count()
        again = post_change(client, **change)
        assert again.status_code == 200 and again.json()["replayed"] is True
        assert again.json()["tucbsNo"] == number
        assert KamuHizmeti.objects.filter(adi="Saha noktası").count() == 1
        assert audits == 1
        assert AuditRecord.objects.filter(object_type=f"layer:{LAYER}", object_id=str(number)).count() == 1
        assert get_layer(LAYER).history.objects.filter(tucbs_no=number).count() == 1
        assert FieldChange.objects.get(pk=change["id"]).version == 1

    def test_an_update_with_a_stale_version_is_a_conflict_with_the_server_copy(self, client, editor):
        """An edit of version 1 after someone saved version 2 is refused (409) with the server's
        feature; with the current version it writes exactly one new version."""
        feature = KamuHizmeti.objects.order_by("tucbs_no").first()
        base = feature.version
        from layers.services import feature_update

        feature_update(layer=get_layer(LAYER), instance=feature, properties={"Iletisim_adres": "Sunucuda"},
                       expected_version=base)
        stale = post_change(client, id=str(uuid.uuid4()), layer=LAYER, operation="update",
                            tucbsNo=feature.tucbs_no, baseVersion=base, properties={"adi": "Sahadan"})
        assert stale.status_code == 409
        body = stale.json()
        assert body["currentVersion"] == base + 1
        assert body["server"]["properties"]["Iletisim_adres"] == "Sunucuda"
        assert body["server"]["version"] == base + 1
        assert "sunucuda değişti" in body["description"]
        assert not FieldChange.objects.filter(user=editor, tucbs_no=feature.tucbs_no).exists()
        resolved = post_change(client, id=str(uuid.uuid4()), layer=LAYER, operation="update",
                               tucbsNo=feature.tucbs_no, baseVersion=base + 1, properties={"adi": "Sahadan"})
        assert resolved.status_code == 200 and resolved.json()["version"] == base + 2
        feature.refresh_from_db()
        assert (feature.adi, feature.iletisim_adres, feature.version) == ("Sahadan", "Sunucuda", base + 2)

    def test_a_viewer_may_not_write_and_gets_a_translated_403(self, client):
        user = make_user()
        user.groups.add(Group.objects.get(name="CBS görüntüleyici"))
        client.force_login(user)
        response = post_change(client, **new_point())
        assert response.status_code == 403
        assert not FieldChange.objects.filter(user=user).exists()

    def test_without_a_session_the_api_answers_401_json(self, client):
        response = client.get("/saha/api/config")
        assert response.status_code == 401 and "description" in response.json()

    @pytest.mark.parametrize("body", [
        b"not json", b"[]", b'{"operation": "delete"}',
        json.dumps({**new_point(), "id": "x"}).encode(),
        json.dumps({**new_point(), "layer": "no-such"}).encode(),
        json.dumps({**new_point(), "geometry": None}).encode(),
        json.dumps({**new_point(), "geometry": {"type": "Point", "coordinates": "a"}}).encode(),
        json.dumps({**new_point(), "properties": {"unknown": 1}}).encode(),
        json.dumps({**new_point(), "properties": []}).encode(),
        json.dumps({"id": str(uuid.uuid4()), "layer": LAYER, "operation": "update", "tucbsNo": "1",
                    "baseVersion": True, "properties": {}}).encode(),
        json.dumps({"id": str(uuid.uuid4()), "layer": LAYER, "operation": "update", "tucbsNo": 10**30,
                    "baseVersion": 1, "properties": {}}).encode(),
    ])
    def test_bad_changes_are_a_4xx_and_write_nothing(self, client, editor, body):
        response = client.post("/saha/api/changes", body, content_type="application/json")
        assert 400 <= response.status_code < 500, response.content
        assert response.json()["description"]
        assert not FieldChange.objects.filter(user=editor).exists()

    def test_a_device_cannot_choose_the_feature_number(self, client, editor):
        taken = KamuHizmeti.objects.order_by("-tucbs_no").first().tucbs_no + 1000
        body = new_point()
        body["properties"]["tucbsNo"] = taken
        response = post_change(client, **body)
        assert response.status_code == 201 and response.json()["tucbsNo"] != taken

    def test_a_moment_that_does_not_exist_is_left_out_not_refused(self, client, editor):
        response = post_change(client, **new_point(madeAt="2026-13-45T99:00"))
        assert response.status_code == 201
        assert FieldChange.objects.get(user=editor).made_at is None

    def test_a_form_body_is_a_415_not_a_500(self, client, editor):
        """The URL walker's find: a form-encoded POST was read by the middleware before the view."""
        response = client.post("/saha/api/changes", {"id": "x", "layer": LAYER})
        assert response.status_code == 415 and response.json()["description"]

    def test_config_has_forms_areas_and_a_csrf_token(self, client, editor):
        config = client.get("/saha/api/config").json()
        assert config["csrf"] and config["zooms"] == [13, 18]
        fields = {f["name"]: f for f in config["forms"][LAYER]["fields"]}
        assert fields["adi"]["required"] and fields["adi"]["label"] == "adı"
        assert ["diger", "Diğer"] in fields["hizmetTipi"]["choices"]
        assert "surumBaslangicZamani" not in fields  # set by the services, never typed
        assert any(a["name"] for a in config["areas"])
        assert {"bi-bina", "kh-hizmet"} <= {layer["name"] for layer in config["layers"] if layer["editable"]}

    def test_tiles_of_an_area_are_the_ogc_tiles(self, client, editor):
        """The batch endpoint answers the very bytes the OGC tile URL serves, per (x, y)."""
        import base64

        batch = client.get("/saha/api/tiles", {"layer": "bi-bina", "z": "17",
                                               "bbox": "28.9040,41.0000,28.9060,41.0015"}).json()
        assert batch["tiles"]
        for x, y, data in batch["tiles"]:
            single = client.get(f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/17/{y}/{x}")
            assert base64.b64decode(data) == single.content
        assert any(data for _x, _y, data in batch["tiles"])
        assert client.get("/saha/api/tiles", {"layer": "bi-bina", "z": "12", "bbox": "28.9,41.0,28.91,41.01"}
                          ).status_code == 400
        assert client.get("/saha/api/tiles", {"layer": "bi-bina", "z": "18", "bbox": "28.5,40.5,29.5,41.5"}
                          ).status_code == 400
        assert client.get("/saha/api/tiles", {"layer": "no-such", "z": "15", "bbox": "28.9,41.0,28.91,41.01"}
                          ).status_code == 404

    def test_versions_of_an_area_match_the_features(self, client, editor):
        versions = client.get("/saha/api/versions", {"layer": LAYER, "bbox": "28.85,40.95,28.95,41.05"}).json()
        stored = dict(KamuHizmeti.objects.values_list("tucbs_no", "version"))
        assert versions["versions"] and all(stored[int(k)] == v for k, v in versions["versions"].items())
        assert client.get("/saha/api/versions", {"layer": LAYER, "bbox": "1,2"}).status_code == 400

    def test_a_photo_is_kept_once_with_its_feature_and_audited(self, client, editor):
        created = post_change(client, **new_point()).json()
        photo_id = str(uuid.uuid4())

        def send():
            return client.post("/saha/api/photos", {
                "id": photo_id, "layer": LAYER, "tucbsNo": created["tucbsNo"], "change": created["id"],
                "file": SimpleUploadedFile("IMG_1.jpg", jpeg_bytes(), content_type="image/jpeg")})
        assert send().status_code == 201
        assert send().status_code == 200
        photo = FieldPhoto.objects.get(user=editor)
        assert (photo.tucbs_no, str(photo.change_id), photo.content_type) == (
            created["tucbsNo"], created["id"], "image/jpeg")
        assert photo.file.read()[:2] == b"\xff\xd8"
        assert AuditRecord.objects.filter(action="field_photo", object_id=str(created["tucbsNo"])).count() == 1

    def test_a_file_that_is_not_an_image_is_refused(self, client, editor):
        created = post_change(client, **new_point()).json()
        response = client.post("/saha/api/photos", {
            "id": str(uuid.uuid4()), "layer": LAYER, "tucbsNo": created["tucbsNo"],
            "file": SimpleUploadedFile("x.jpg", b"<html>", content_type="image/jpeg")})
        assert response.status_code == 400 and not FieldPhoto.objects.filter(user=editor).exists()


class FieldAppShellTests:
    def test_manifest_and_service_worker_cover_the_app(self, client, editor):
        manifest = client.get("/saha/manifest.webmanifest")
        assert manifest["Content-Type"] == "application/manifest+json"
        body = manifest.json()
        assert body["scope"] == body["start_url"] == "/saha/" and len(body["icons"]) == 2
        worker = client.get("/saha/sw.js")
        assert worker["Content-Type"].startswith("text/javascript")
        text = worker.content.decode()
        assert '"/saha/"' in text and "/static/field/js/app.js" in text and "http" not in text.split("\n", 3)[3]
        page = client.get("/saha/")
        assert page.status_code == 200 and b'rel="manifest"' in page.content


class FieldPhotoViewTests:
    def test_a_photo_is_shown_to_staff_who_see_its_layer_only(self, client, editor):
        created = post_change(client, **new_point()).json()
        photo_id = str(uuid.uuid4())
        client.post("/saha/api/photos", {"id": photo_id, "layer": LAYER, "tucbsNo": created["tucbsNo"],
                                         "file": SimpleUploadedFile("a.jpg", jpeg_bytes())})
        response = client.get(f"/saha/photos/{photo_id}")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert client.get(f"/saha/photos/{uuid.uuid4()}").status_code == 404
        client.logout()
        assert client.get(f"/saha/photos/{photo_id}").status_code == 302  # to the login page
