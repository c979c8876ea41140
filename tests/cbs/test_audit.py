"""The audit trail and access log: every write and request recorded, chains tamper-evident."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cbs.audit.chain import seal_access_records, unsealed_count, verify
from cbs.audit.models import AccessRecord, AuditRecord, ChainHead, DestructionRecord
from cbs.audit.services import access_record, audit_record, personal_data_viewed
from cbs.testing import make_user
from layers.models import KamuHizmeti
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create, feature_delete, feature_update

HIZMET = get_layer("kh-hizmet")
POINT = "SRID=5254;POINT(407900 4541100)"


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


class AuditTrailTests:
    def test_service_writes_are_audited_with_the_hash_of_their_version(self, db):
        """Create, update and delete each leave a record with who, what and the version, and the
        SHA-256 of the history row written (the data itself is in the layer's history table)."""
        user = make_user(("layer:kh-hizmet", "edit"))
        start = timezone.now()
        feature = feature_create(layer=HIZMET, user=user, feature=FeatureInput(
            {"adi": "Test Kütüphanesi", "hizmetTipi": "kulturel"}, POINT))
        feature_update(layer=HIZMET, instance=feature, properties={"adi": "Yeni Ad"}, user=user)
        feature_delete(layer=HIZMET, instance=feature, user=user)
        records = list(AuditRecord.objects.filter(object_type="layer:kh-hizmet", time__gte=start,
                                                  object_id=str(feature.tucbs_no)).order_by("seq"))
        assert [r.action for r in records] == ["create", "update", "delete"]
        assert all(r.user == user and r.actor == user.username for r in records)
        assert [r.after["version"] for r in records] == [1, 2, 3]
        assert all(r.before is None and len(r.after["history"]["sha256"]) == 64 for r in records)
        rows = HIZMET.history.objects.filter(tucbs_no=feature.tucbs_no).order_by("id")
        assert [r.id for r in rows] == [r.after["history"]["first_id"] for r in records]
        assert rows[0].geom.ewkt.startswith("SRID=5254;POINT") and (rows[0].adi, rows[1].adi) == (
            "Test Kütüphanesi", "Yeni Ad")

    def test_admin_change_is_audited_with_request_id_and_ip(self, client, db):
        """An edit through the admin carries the request id and source address."""
        user = make_user(("layer:kh-hizmet", "edit"))
        client.force_login(user)
        obj = KamuHizmeti.objects.order_by("pk").first()
        url = f"/admin/layers/kamuhizmeti/{obj.pk}/change/"
        data = {"adi": "Değişti", "hizmet_tipi": obj.hizmet_tipi, "iletisim_telefon": "",
                "iletisim_adres": "", "geom": obj.geom.ewkt, "surum_bitis_zamani_0": "",
                "surum_bitis_zamani_1": "", "gecerlilik_baslangici": "", "gecerlilik_sonu": ""}
        response = client.post(url, data, REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302
        record = AuditRecord.objects.filter(action="update").order_by("-time").first()
        assert record.source_ip == "10.1.2.3" and len(record.request_id) == 36
        assert record.after["version"] == obj.version + 1

    def test_commands_are_audited_as_commands(self, db):
        """Writes from management commands name the command as the actor."""
        call_command("demo_accounts", stdout=open("/dev/null", "w"))
        assert AuditRecord.objects.filter(actor="command:demo_accounts", action="publication").exists()


class AccessLogTests:
    def test_every_request_is_logged(self, client, db):
        """Time, IP, method, path, status and bytes of each request are recorded."""
        response = client.get("/ogc/collections?f=json", REMOTE_ADDR="192.0.2.7")
        record = AccessRecord.objects.order_by("-time", "-seq").first()
        assert (record.source_ip, record.method, record.status) == ("192.0.2.7", "GET", 200)
        assert record.path == "/ogc/collections?f=json" and record.bytes == len(response.content)
        assert record.request_id == response["X-Request-ID"]

    def test_partner_calls_name_the_institution(self, client, db, partner):
        """A partner's requests are logged with its institution."""
        client.get("/ogc/collections", HTTP_AUTHORIZATION=f"Bearer {partner.value}")
        record = AccessRecord.objects.order_by("-time", "-seq").first()
        assert record.institution == partner.kurum.name

    def test_personal_data_view_is_recorded(self, rf, db):
        """Viewing personal data writes an access record with its purpose and fields."""
        request = rf.get("/tickets/1/")
        request.user = make_user()
        subject = make_user()
        personal_data_viewed(request=request, subject=subject, fields=["email"], purpose="talep")
        record = AccessRecord.objects.order_by("-time", "-seq").first()
        assert "talep" in record.purpose and "email" in record.purpose


class ChainTests:
    def test_intact_chain_verifies(self, db):
        """Fresh records verify."""
        for i in range(3):
            audit_record(action="test", object_type="x", object_id=i)
        assert verify("audit") == []

    def test_altered_row_breaks_the_chain(self, db):
        """Changing one stored value makes verification fail at that record."""
        records = [audit_record(action="test", object_type="x", object_id=i) for i in range(3)]
        sql("UPDATE audit_auditrecord SET object_id = 'forged' WHERE id = %s", [records[1].pk])
        breaks = verify("audit")
        assert breaks and breaks[0].seq == records[1].seq

    def test_deleted_row_breaks_the_chain(self, db):
        """Deleting a record (even the last) is detected."""
        records = [access_record(method="GET", path=f"/{i}", status=200, size=0) for i in range(3)]
        seal_access_records()
        sql("DELETE FROM audit_accessrecord WHERE id = %s", [records[-1].pk])
        assert verify("access")

    def test_verify_command_reports_break(self, db):
        """manage.py verify_logs exits with an error naming the broken record."""
        record = audit_record(action="test", object_type="x")
        sql("UPDATE audit_auditrecord SET actor = 'mallory' WHERE id = %s", [record.pk])
        with pytest.raises(Exception, match="verification failed"):
            call_command("verify_logs", "--log", "audit", stdout=open("/dev/null", "w"),
                         stderr=open("/dev/null", "w"))

    def test_retention_destroys_old_days_and_records_it(self, db):
        """Records older than the retention period are destroyed and a destruction record remains."""
        old = timezone.now() - timedelta(days=800)
        from cbs.audit import chain
        from cbs.audit.models import AuditRecord as Model

        chain.append(Model(time=old, actor="x", action="old", object_type="x"))
        call_command("purge_logs", stdout=open("/dev/null", "w"))
        assert not Model.objects.filter(action="old").exists()
        assert not ChainHead.objects.filter(log="audit", day=old.date()).exists()
        destruction = DestructionRecord.objects.get(log="audit")
        assert destruction.records == 1 and str(old.date()) in destruction.last_hashes
        assert verify("audit") == []


class AccessSealingTests:
    """Access records are appended without a lock shared by all requests and chained by the
    sealing job; verification covers what is sealed."""

    def test_records_are_appended_unsealed_and_sealed_in_order(self, db):
        records = [access_record(method="GET", path=f"/seal/{i}", status=200, size=0) for i in range(5)]
        assert all(AccessRecord.objects.get(pk=r.pk).seq is None for r in records)
        assert unsealed_count() >= 5
        assert seal_access_records() >= 5
        assert unsealed_count() == 0
        sealed = [AccessRecord.objects.get(pk=r.pk) for r in records]
        assert [r.seq for r in sealed] == sorted(r.seq for r in sealed)
        assert verify("access") == []

    def test_altered_sealed_record_is_named(self, db):
        records = [access_record(method="GET", path=f"/seal/{i}", status=200, size=0) for i in range(3)]
        seal_access_records()
        sql("UPDATE audit_accessrecord SET path = '/forged' WHERE id = %s", [records[1].pk])
        breaks = verify("access")
        assert breaks and breaks[0].seq == AccessRecord.objects.get(pk=records[1].pk).seq

    def test_sealing_in_batches_continues_the_chain(self, db):
        for i in range(7):
            access_record(method="GET", path=f"/batch/{i}", status=200, size=0)
        assert seal_access_records(batch=3) >= 7
        access_record(method="GET", path="/batch/late", status=200, size=0)
        seal_access_records(batch=3)
        assert verify("access") == []

    def test_a_request_holding_its_transaction_does_not_block_others(self, db):
        """The old append locked the day's chain head: every request of every host queued on it."""
        import threading

        from django.db import connections

        access_record(method="GET", path="/first", status=200, size=0)  # inside the test's transaction
        seal_access_records()
        done = threading.Event()

        def other_request():  # its own connection, committing on its own
            try:
                record = access_record(method="GET", path="/second", status=200, size=0)
                done.set()
                AccessRecord.objects.filter(pk=record.pk).delete()  # leave the database as found
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join(timeout=10)
        assert done.is_set(), "the second append waited for the first transaction"


class AdminWritesTests:
    def test_grant_created_in_admin_is_audited(self, client, db):
        """Giving a permission in the admin leaves an audit record naming the administrator."""
        from django.contrib.auth.models import Group

        admin_user = make_user(superuser=True)
        client.force_login(admin_user)
        group = Group.objects.get(name="CBS görüntüleyici")
        response = client.post("/admin/accounts/grant/add/", {
            "resource": "layer:tk-parsel", "level": "view", "group": group.pk, "user": ""})
        assert response.status_code == 302
        record = AuditRecord.objects.filter(object_type="accounts.grant", action="create").latest("time")
        assert record.user == admin_user and record.after["resource"] == "layer:tk-parsel"

    def test_password_reset_by_admin_is_audited_without_the_password(self, client, db):
        """An administrator resets a password; the audit record omits the hash."""
        admin_user = make_user(superuser=True)
        target = make_user()
        client.force_login(admin_user)
        response = client.post(f"/admin/auth/user/{target.pk}/password/", {
            "password1": "Yeni-Parola-2026!", "password2": "Yeni-Parola-2026!",
            "usable_password": "true"})
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.check_password("Yeni-Parola-2026!")
        record = AuditRecord.objects.filter(action="password_reset").latest("time")
        assert record.object_id == str(target.pk) and "password" not in (record.after or {})


def test_only_stand_alone_access_records_relax_their_commit():
    """Access records written on their own commit without waiting for the WAL flush; audit
    records, and anything inside a larger transaction, always wait."""
    from cbs.audit.chain import _append_sql, _unsealed_sql
    from cbs.audit.models import AuditRecord

    assert "synchronous_commit" in _unsealed_sql(True)[0]
    assert "synchronous_commit" not in _unsealed_sql(False)[0]
    assert "synchronous_commit" not in _append_sql(AuditRecord)[0]


class BulkChainTests:
    """append_query(): records chained inside PostgreSQL verify like those chained in Python."""

    TRICKY = ['quote " backslash \\ slash /', "new\nline\ttab\r\x01\x1f\x7f", "üğışçö İĞŞ ÇÖÜ", "😀 \u2028 <&>", ""]

    def _append(self, when, user_id=None):
        from django.db import transaction

        from cbs.audit.chain import append_query, json_object_sql

        snapshot = json_object_sql({"s": "to_json(v.s)", "f": "to_json(v.f)", "i": "to_json(v.i)",
                                    "d": "to_json(v.d)", "b": "to_json(v.b)", "n": "to_json(NULL::text)",
                                    "Zeta": "to_json(v.i)", "alpha": "to_json(v.s)"})
        rows = [(i, text, f, 10 ** i, f"2024-0{i + 1}-2{i}", i % 2 == 0)
                for i, (text, f) in enumerate(zip(self.TRICKY, [0.1, 1e-05, 12.0, -123.456, 2.5e-10]))]
        values = ", ".join(["(%s, %s::text, %s::float8, %s::bigint, %s::date, %s::boolean)"] * len(rows))
        query = (f"SELECT CASE WHEN v.b THEN 'create' ELSE 'update' END, 'test:bulk', v.s, v.s, "
                 f"CASE WHEN v.b THEN NULL ELSE {snapshot} END, {snapshot} "
                 f"FROM (VALUES {values}) v(k, s, f, i, d, b) ORDER BY v.k")
        with transaction.atomic():
            return append_query(query, [x for row in rows for x in row], time=when, user_id=user_id,
                                actor="içe aktarım \"x\"", request_id="req-1", source_ip="10.1.2.3")

    def test_bulk_records_verify_between_single_ones(self, db):
        """Python-chained, SQL-chained (odd strings, numbers, dates, nulls, both time forms), then
        Python-chained again: one chain, and the bulk snapshots read back as written."""
        audit_record(action="test", object_type="x")
        assert self._append(timezone.now().replace(microsecond=123456), user_id=make_user().pk) == 5
        assert self._append(timezone.now().replace(microsecond=0)) == 5
        audit_record(action="test", object_type="x")
        assert verify("audit") == []
        bulk = list(AuditRecord.objects.filter(object_type="test:bulk").order_by("seq"))
        assert [r.object_id for r in bulk[:5]] == self.TRICKY
        assert bulk[1].before == {"Zeta": 10, "alpha": self.TRICKY[1], "b": False, "d": "2024-02-21",
                                  "f": 1e-05, "i": 10, "n": None, "s": self.TRICKY[1]}
        assert bulk[0].before is None and bulk[0].after["f"] == 0.1

    def test_altered_bulk_record_breaks_the_chain(self, db):
        """Changing one value inside a bulk record's snapshot is found at that record."""
        self._append(timezone.now())
        record = AuditRecord.objects.filter(object_type="test:bulk").order_by("seq")[2]
        sql("UPDATE audit_auditrecord SET after = jsonb_set(after, '{i}', '101') WHERE id = %s", [record.pk])
        breaks = verify("audit")
        assert breaks and breaks[0].seq == record.seq
