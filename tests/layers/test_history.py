"""Feature history is data (issue 17): versions in each layer's history table, diffs, restore,
undo, deleted features brought back, hashes in the audit trail, and log retention that never
touches history."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cbs.audit.chain import verify
from cbs.audit.models import AuditRecord
from cbs.audit.services import audit_record
from cbs.testing import make_user
from layers.history import changes, feature_restore, feature_versions, last_edit_by, versions
from layers.metadata import layer_dates
from layers.models import KamuHizmeti
from layers.registry import all_layers, get_layer
from layers.services import FeatureInput, feature_create, feature_delete, feature_update
from layers.versioning import verify_history

HIZMET = get_layer("kh-hizmet")


def edited_feature(user):
    feature = feature_create(layer=HIZMET, user=user, feature=FeatureInput(
        {"adi": "Eski Ad", "hizmetTipi": "saglik"}, "SRID=5254;POINT(407900 4541100)"))
    feature_update(layer=HIZMET, instance=feature, user=user, properties={"adi": "Yeni Ad"},
                   geometry="SRID=5254;POINT(407910 4541110)")
    return KamuHizmeti.objects.get(pk=feature.pk)


class HistoryTableTests:
    def test_every_layer_has_its_history_table(self, db):
        """The registry derives one history table per layer: `<table>_surum` with every published
        attribute, the geometry and the version columns."""
        with connection.cursor() as cursor:
            for layer in all_layers():
                table = f"{layer.meta().db_table}_surum"
                cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
                columns = {row[0] for row in cursor.fetchall()}
                expected = set(layer.properties()) | {layer.geometry().column, "version", "operation", "user_id",
                                                      "request_id", "import_job", "reason"}
                assert expected <= columns, (table, expected - columns)
                assert layer.history._meta.db_table == table

    def test_versions_and_changes(self, db):
        """Each write is a version with its span; the diff names attribute and geometry changes."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        found = versions(HIZMET, feature.tucbs_no)
        assert [v.row.operation for v in found] == ["create", "update"]
        assert [v.row.version for v in found] == [1, 2]
        assert found[0].row.surum_bitis_zamani == found[1].row.surum_baslangic_zamani
        assert found[1].row.surum_bitis_zamani is None and found[1].row.user == user
        names = [name for name, _old, _new in changes(found[1].before, found[1].after)]
        assert "adi" in names and "geometry" in names

    def test_audit_records_hold_a_hash_not_a_copy(self, db):
        """An edit's audit record keeps who, when, the version and the SHA-256 of the history row it
        wrote; verify_history recomputes it, and names a history row altered afterwards."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        record = AuditRecord.objects.filter(object_type="layer:kh-hizmet", object_id=str(feature.tucbs_no),
                                            action="update").get()
        assert record.before is None and "adi" not in record.after
        assert record.after["version"] == 2 and len(record.after["history"]["sha256"]) == 64
        assert verify_history() == []
        row = feature_versions(HIZMET, feature.tucbs_no).last()
        HIZMET.history.objects.filter(pk=row.pk).update(adi="Sahte")
        broken = verify_history()
        assert [(b.audit_id, b.reason) for b in broken] == [(record.pk, "content altered")]

    def test_restore_creates_a_new_version(self, db):
        """Restoring the first version brings back its values as version 3."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        restored = feature_restore(layer=HIZMET, instance=feature, record=first, user=user)
        assert (restored.adi, restored.version) == ("Eski Ad", 3)
        assert round(restored.geom.x) == 407900
        last = feature_versions(HIZMET, feature.tucbs_no).last()
        assert (last.operation, last.version) == ("restore", 3) and "1" in last.reason

    def test_undo_my_last_edit(self, db):
        """Undo takes the user's last change back (the version before it)."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        record = last_edit_by(HIZMET, feature.tucbs_no, user)
        undone = feature_restore(layer=HIZMET, instance=feature, record=record, user=user, use_before=True)
        assert undone.adi == "Eski Ad"

    def test_delete_leaves_a_tombstone_and_the_feature_comes_back(self, db):
        """A deletion ends the history with a tombstone (last state, next version); restoring it
        brings the feature back under its own tucbsNo as a new version."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        number = feature.tucbs_no
        feature_delete(layer=HIZMET, instance=feature, user=user)
        assert not KamuHizmeti.objects.filter(tucbs_no=number).exists()
        found = versions(HIZMET, number)
        tomb = found[-1]
        assert tomb.is_tombstone and tomb.row.version == 3 and tomb.after is None and tomb.before["adi"] == "Yeni Ad"
        assert tomb.row.surum_baslangic_zamani == tomb.row.surum_bitis_zamani
        assert found[-2].row.surum_bitis_zamani == tomb.row.surum_baslangic_zamani
        back = feature_restore(layer=HIZMET, instance=None, record=tomb.row, user=user)
        assert (back.tucbs_no, back.adi, back.version) == (number, "Yeni Ad", 4)
        assert [v.row.operation for v in versions(HIZMET, number)] == ["create", "update", "delete", "restore"]
        assert verify_history() == []

    def test_metadata_dates_come_from_the_history(self, db):
        first, last = layer_dates(HIZMET)
        user = make_user(("layer:kh-hizmet", "edit"))
        edited_feature(user)
        first_after, last_after = layer_dates(HIZMET)
        assert first_after == first and last_after > last


class RetentionTests:
    def test_purging_every_log_record_keeps_every_features_history(self, db):
        """Edits made days ago, then purge_logs with retention 0: their audit records are destroyed
        (with a destruction record), every feature's history is intact and verify_logs passes."""
        user = make_user(("layer:kh-hizmet", "edit"))
        then = timezone.now() - timedelta(days=3)
        with mock.patch("django.utils.timezone.now", return_value=then):
            feature = edited_feature(user)
            gone = feature_create(layer=HIZMET, user=user, feature=FeatureInput(
                {"adi": "Silinecek", "hizmetTipi": "diger"}, "SRID=5254;POINT(407950 4541150)"))
            feature_delete(layer=HIZMET, instance=gone, user=user)
        counts = {layer.name: layer.history.objects.count() for layer in all_layers()}
        before = [(v.row.operation, v.after) for v in versions(HIZMET, feature.tucbs_no)]
        assert AuditRecord.objects.filter(object_id=str(feature.tucbs_no), object_type="layer:kh-hizmet").exists()
        call_command("purge_logs", days=0, stdout=open("/dev/null", "w"))
        assert not AuditRecord.objects.filter(object_id=str(feature.tucbs_no), object_type="layer:kh-hizmet").exists()
        assert counts == {layer.name: layer.history.objects.count() for layer in all_layers()}
        assert [(v.row.operation, v.after) for v in versions(HIZMET, feature.tucbs_no)] == before
        assert [v.row.operation for v in versions(HIZMET, gone.tucbs_no)] == ["create", "delete"]
        call_command("verify_logs", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
        assert verify("audit") == []


class BackfillTests:
    def test_versions_recorded_only_in_the_audit_trail_are_migrated(self, db):
        """The data migration turns the audit trail's old snapshots into history rows (create,
        update, delete as a tombstone) and gives every other current feature its current version."""
        from layers.history_backfill import backfill
        from layers.services import feature_snapshot

        legacy = KamuHizmeti.objects.order_by("pk").first()
        old = feature_snapshot(HIZMET, legacy)
        new = {**old, "adi": "Eski Kayıttan", "version": old["version"] + 1}
        kind = "layer:kh-hizmet"
        audit_record(action="update", object_type=kind, object_id=legacy.tucbs_no, before=old, after=new)
        gone = {**old, "tucbsNo": 987654, "version": 2}
        audit_record(action="create", object_type=kind, object_id=987654, after={**gone, "version": 1})
        audit_record(action="delete", object_type=kind, object_id=987654, before=gone)
        HIZMET.history.objects.all().delete()
        backfill(apps, SimpleNamespace(connection=connection), "layers")
        rows = list(feature_versions(HIZMET, 987654))
        assert [(r.operation, r.version) for r in rows] == [("create", 1), ("delete", 3)]
        assert rows[0].surum_bitis_zamani == rows[1].surum_baslangic_zamani
        legacy_rows = list(feature_versions(HIZMET, legacy.tucbs_no))
        assert (legacy_rows[-1].adi, legacy_rows[-1].operation, legacy_rows[-1].version) == ("Eski Kayıttan", "update", 2)
        # Every current feature has an open version.
        open_rows = set(HIZMET.history.objects.filter(surum_bitis_zamani__isnull=True).values_list("tucbs_no", flat=True))
        assert set(KamuHizmeti.objects.values_list("tucbs_no", flat=True)) <= open_rows


class HistoryPageTests:
    def test_page_lists_versions_and_restores(self, client, db):
        """An editor sees the versions and can restore one through the page."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        client.force_login(user)
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
        assert "Eski Ad" in page and "Yeni Ad" in page and 'id="undo"' in page
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        response = client.post(url, {"record": first.pk, "version": feature.version})
        assert response.status_code == 302
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Eski Ad"

    def test_deleted_feature_is_restored_from_its_page(self, client, db):
        """The page of a deleted feature says so and offers to restore it; the restore brings it back."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        feature_delete(layer=HIZMET, instance=feature, user=user)
        client.force_login(user)
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
        assert 'id="restore-deleted"' in page and "Silinen nesneyi geri getir" in page
        tomb = feature_versions(HIZMET, feature.tucbs_no).last()
        response = client.post(url, {"record": tomb.pk, "version": tomb.version})
        assert response.status_code == 302
        assert KamuHizmeti.objects.get(tucbs_no=feature.tucbs_no).adi == "Yeni Ad"

    def test_viewer_reads_but_cannot_restore(self, client, db):
        """View rights show the history; restoring needs edit rights (also for a deleted feature)."""
        editor = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(editor)
        client.force_login(make_user(("layer:kh-hizmet", "view")))
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        assert client.get(url).status_code == 200
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        assert client.post(url, {"record": first.pk}).status_code == 403
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Yeni Ad"
        feature_delete(layer=HIZMET, instance=feature, user=editor)
        assert 'id="restore-deleted"' not in client.get(url).content.decode()
        assert client.post(url, {"record": first.pk}).status_code == 403

    def test_stale_restore_is_refused(self, client, db):
        """Restoring from a page opened before someone else's save is refused with a message."""
        user = make_user(("layer:kh-hizmet", "edit"))
        feature = edited_feature(user)
        client.force_login(user)
        url = reverse("layers:feature_history", args=["kh-hizmet", feature.tucbs_no])
        first = feature_versions(HIZMET, feature.tucbs_no).first()
        response = client.post(url, {"record": first.pk, "version": feature.version - 1}, follow=True)
        assert KamuHizmeti.objects.get(pk=feature.pk).adi == "Yeni Ad"
        assert response.status_code == 200


def test_every_history_table_leaves_room_for_the_closing_update(db):
    """Each version is updated once (closed): fillfactor 60 keeps that update on its page
    (layers/migrations/0016_history_fillfactor.py); a layer added later needs the same."""
    tables = sorted(layer.history._meta.db_table for layer in all_layers())
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [tables])
        options = dict(cursor.fetchall())
    assert sorted(options) == tables
    assert {table: opts for table, opts in options.items() if opts != ["fillfactor=60"]} == {}


def test_an_import_hash_is_the_same_when_parallel_workers_compute_the_rows_hashes(db):
    """written_hash lets parallel workers hash the rows (a subquery kept below the ordered
    aggregate) and samples the written ids first for big sets. Rows written in this transaction
    and stored in the reverse of their id order, hashed by workers alone (the leader only
    gathers): the value is still that of set_hash_sql, which orders by id in one process."""
    from django.db import transaction

    from layers import versioning

    history = get_layer("bi-bina").history
    table = connection.ops.quote_name(history._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in history._meta.concrete_fields
                        if f.column != "id")
    with transaction.atomic(), connection.cursor() as cursor, \
            mock.patch.object(versioning, "PARALLEL_HASH_ROWS", 0):
        cursor.execute(f"SELECT max(id) FROM {table}")
        top = cursor.fetchone()[0]
        # Copies with new ids, written highest id first: their storage order is not the id order.
        cursor.execute(f"INSERT INTO {table} (id, {columns}) SELECT h.id + %s, {columns} FROM {table} h "
                       f"ORDER BY h.id DESC", [top])
        first, last = top + 1, 2 * top
        cursor.execute(f"SELECT count(*), {versioning.set_hash_sql(history)} FROM {table} h "
                       f"WHERE h.id BETWEEN %s AND %s", [first, last])
        serial = cursor.fetchone()
        assert serial[0] > 100
        for setting, value in (("parallel_setup_cost", 0), ("parallel_tuple_cost", 0),
                               ("min_parallel_table_scan_size", 0), ("min_parallel_index_scan_size", 0),
                               ("parallel_leader_participation", "off")):
            cursor.execute(f"SET LOCAL {setting} = {value}")
        versioning.written_hash(history, first, last)  # the ids sampled, as the import does
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"  # the sampling's own limit does not outlive it
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + versioning.range_hash_sql(history),
                       {"first": first, "last": last})
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Gather" in plan and plan.index("Gather") > plan.index("Aggregate"), plan
        assert re.search(r"Workers Launched: [1-9]", plan), plan
        assert versioning.written_hash(history, first, last) == serial


def test_the_id_sampling_never_waits_for_a_locked_history_table(db):
    """Another session analysing or vacuuming the history holds the lock ANALYZE needs: the import
    does not wait for it (holding the layer's editors meanwhile); the hash is the same."""
    import psycopg
    from django.db import transaction

    from layers import versioning

    history = get_layer("bi-bina").history
    table = connection.ops.quote_name(history._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {table}")
        first, last = cursor.fetchone()
    with mock.patch.object(versioning, "PARALLEL_HASH_ROWS", last - first + 1):  # no ANALYZE: no lock held
        expected = versioning.written_hash(history, first, last)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None), params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute("SET lock_timeout = '10s'")  # a lock this test's transaction held: fail, not hang
        other.execute(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        with transaction.atomic(), mock.patch.object(versioning, "PARALLEL_HASH_ROWS", 0):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = '20s'")  # a wait fails, not hangs
            assert versioning.written_hash(history, first, last) == expected
            with connection.cursor() as cursor:
                cursor.execute("SHOW lock_timeout")  # the import's own setting, not the sampling's
                assert cursor.fetchone()[0] == "0"
        assert time.monotonic() - started < 10
