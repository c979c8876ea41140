"""Attribute table reads and bulk attribute edits, without the browser."""

import json

import pytest
from django.core.exceptions import ValidationError

from cbs.audit.models import AuditRecord
from cbs.testing import make_user
from layers.models import Bina, KamuHizmeti
from layers.registry import get_layer
from layers.services import AttributeChange, BatchConflict, features_update_attributes
from layers.table import Filter, table_page

BINA = "bi-bina"


class TablePageTests:
    def test_sort_filter_and_paging(self, db):
        """Sorted by floors (descending), filtered by a folded name part; paging is stable."""
        layer = get_layer(BINA)
        page = table_page(layer=layer, filters=[Filter("adi", "contains", "BESTELSIZ")],
                          sort="zeminUstuKatSayisi", descending=True, limit=50)
        floors = [r["values"]["zeminUstuKatSayisi"] for r in page["rows"]]
        assert floors == sorted(floors, reverse=True)
        assert page["count"] == Bina.objects.filter(adi__icontains="Beştelsiz").count()
        assert all("Beştelsiz" in r["values"]["adi"] for r in page["rows"])
        second = table_page(layer=layer, sort="zeminUstuKatSayisi", offset=50, limit=50)
        first = table_page(layer=layer, sort="zeminUstuKatSayisi", limit=50)
        assert not {r["id"] for r in first["rows"]} & {r["id"] for r in second["rows"]}

    def test_code_list_labels_and_references_by_name(self, db):
        """Code lists show their labels, references the referenced name (as in the edit form)."""
        row = table_page(layer=get_layer("ad-numarataj"), limit=1)["rows"][0]
        assert row["labels"]["numaratajTipi"] in ("Main entrance", "Ana giriş")
        assert row["labels"]["yol"].endswith(("Sokak", "Street (sokak)", "Avenue (cadde)", "Caddesi")) or row["labels"]["yol"]

    def test_extent_and_mahalle(self, db):
        layer = get_layer(BINA)
        everything = table_page(layer=layer, limit=1)["count"]
        some = table_page(layer=layer, bbox=(28.895, 40.99, 28.90, 40.995), limit=1)["count"]
        assert 0 < some < everything
        in_one = table_page(layer=layer, mahalle=1, limit=1)["count"]
        assert 0 < in_one < everything

    @pytest.mark.parametrize("item", [Filter("nope", "eq", "1"), Filter("zeminUstuKatSayisi", "eq", "abc"),
                                      Filter("zeminUstuKatSayisi", "contains", "1"),
                                      Filter("adi", "drop", "x"), Filter("zeminUstuKatSayisi", "gt", "9" * 30)])
    def test_bad_filters_are_refused_with_a_message(self, db, item):
        with pytest.raises(ValidationError):
            table_page(layer=get_layer(BINA), filters=[item])

    def test_sort_by_an_unpublished_name_is_refused(self, db):
        with pytest.raises(ValidationError):
            table_page(layer=get_layer(BINA), sort="version")


class BulkEditTests:
    def _three(self):
        return list(KamuHizmeti.objects.order_by("tucbs_no")[:3])

    def test_one_value_for_three_features_writes_three_versions_and_audits(self, db):
        layer = get_layer("kh-hizmet")
        user = make_user(("layer:kh-hizmet", "edit"))
        rows = self._three()
        versions = layer.history.objects.count()
        audits = AuditRecord.objects.filter(object_type="layer:kh-hizmet").count()
        written = features_update_attributes(layer=layer, user=user, changes=[
            AttributeChange(r.tucbs_no, r.version, {"Iletisim_telefon": "0212 000 00 00"}) for r in rows])
        assert len(written) == 3
        assert layer.history.objects.count() == versions + 3
        assert AuditRecord.objects.filter(object_type="layer:kh-hizmet").count() == audits + 3
        assert set(KamuHizmeti.objects.filter(tucbs_no__in=[r.tucbs_no for r in rows])
                   .values_list("iletisim_telefon", "version")) == {("0212 000 00 00", rows[0].version + 1)}

    def test_one_refused_feature_writes_nothing(self, db):
        layer = get_layer("kh-hizmet")
        user = make_user(("layer:kh-hizmet", "edit"))
        rows = self._three()
        versions = layer.history.objects.count()
        changes = [AttributeChange(r.tucbs_no, r.version, {"adi": "Yeni ad"}) for r in rows[:2]]
        changes.append(AttributeChange(rows[2].tucbs_no, rows[2].version, {"adi": ""}))  # required
        with pytest.raises(ValidationError):
            features_update_attributes(layer=layer, user=user, changes=changes)
        assert layer.history.objects.count() == versions
        assert not KamuHizmeti.objects.filter(adi="Yeni ad").exists()

    def test_a_stale_version_refuses_the_batch(self, db):
        layer = get_layer("kh-hizmet")
        rows = self._three()
        with pytest.raises(BatchConflict) as info:
            features_update_attributes(layer=layer, user=make_user(("layer:kh-hizmet", "edit")), changes=[
                AttributeChange(rows[0].tucbs_no, rows[0].version, {"adi": "A"}),
                AttributeChange(rows[1].tucbs_no, rows[1].version + 5, {"adi": "B"})])
        assert list(info.value.conflicts) == [rows[1].tucbs_no]
        assert not KamuHizmeti.objects.filter(adi="A").exists()


class TableHttpTests:
    def test_page_json_and_permissions(self, client, db):
        """Anonymous: public layers read-only; parcels (internal) are 404; edits are 403."""
        body = client.get("/map/table/kh-hizmet/", {"meta": "1", "sort": "adi", "order": "desc"}).json()
        assert body["editable"] is False and body["columns"] and body["mahalleler"]
        assert client.get("/map/table/tk-parsel/").status_code == 404
        row = body["rows"][0]
        response = client.post("/map/table/kh-hizmet/edit", json.dumps(
            {"changes": [{"id": row["id"], "version": row["version"], "properties": {"adi": "X"}}]}),
            content_type="application/json")
        assert response.status_code == 403

    def test_edit_json_errors_are_4xx(self, client, db):
        client.force_login(make_user(("layer:kh-hizmet", "edit")))
        row = client.get("/map/table/kh-hizmet/").json()["rows"][0]
        for body, status in [("not json", 400), (json.dumps({"changes": "x"}), 400),
                             (json.dumps({"changes": [{"id": row["id"], "version": row["version"],
                                                       "properties": {"tucbsNo": 5}}]}), 400),
                             (json.dumps({"changes": [{"id": row["id"], "version": row["version"] + 3,
                                                       "properties": {"adi": "Y"}}]}), 412)]:
            assert client.post("/map/table/kh-hizmet/edit", body, content_type="application/json").status_code == status
        ok = client.post("/map/table/kh-hizmet/edit", json.dumps(
            {"changes": [{"id": row["id"], "version": row["version"], "properties": {"adi": "Yeni"}}]}),
            content_type="application/json")
        assert ok.status_code == 200 and ok.json()["rows"][0]["version"] == row["version"] + 1

    def test_export_of_a_selection(self, client, db):
        ids = list(KamuHizmeti.objects.order_by("tucbs_no").values_list("tucbs_no", flat=True)[:2])
        response = client.get("/map/export/", {"layer": "kh-hizmet", "format": "geojson", "crs": "4326",
                                               "ids": ",".join(map(str, ids))})
        features = json.loads(response.content)["features"]
        assert sorted(f["properties"]["tucbsNo"] for f in features) == ids
        assert client.get("/map/export/", {"layer": "kh-hizmet", "format": "geojson", "ids": "1,x"}).status_code == 400


class TableEditGarbageTests:
    @pytest.mark.parametrize("layer, properties", [
        ("kh-hizmet", {"adi": "a\x00b"}), ("kh-hizmet", {"adi": ["x"]}), ("kh-hizmet", {"adi": {"a": 1}}),
        ("kh-hizmet", {"adi": "ç" * 5000}), ("kh-hizmet", {"hizmetTipi": "yok"}), ("kh-hizmet", {"adi": None}),
        ("bi-bina", {"zeminUstuKatSayisi": 1e308}), ("bi-bina", {"zeminUstuKatSayisi": 2**70}),
        ("bi-bina", {"zeminUstuKatSayisi": "abc"}), ("bi-bina", {"zeminUstuKatSayisi": -1}),
        ("bi-bina", {"yapiKullanimIzniTarihi": "2024-02-30"}), ("bi-bina", {"yapiKullanimIzniTarihi": 5}),
        ("bi-bina", {"gecerlilikBaslangici": "9999-12-31", "gecerlilikSonu": "2000-01-01"}),
    ])
    def test_bad_values_are_a_400_and_write_nothing(self, client, db, layer, properties):
        client.force_login(make_user(superuser=True))
        target = get_layer(layer)
        row = client.get(f"/map/table/{layer}/").json()["rows"][0]
        versions = target.history.objects.count()
        response = client.post(f"/map/table/{layer}/edit", json.dumps(
            {"changes": [{"id": row["id"], "version": row["version"], "properties": properties}]}),
            content_type="application/json")
        assert response.status_code == 400, response.content
        assert response.json()["detail"]
        assert target.history.objects.count() == versions
