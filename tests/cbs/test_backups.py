"""Backups, restores and drills against the real test database and real files (issue 17.4).

Tests run in a transaction that rolls back, so pg_dump sees the committed rows only – the
sample municipality committed at session start – and the tests compare against what is
committed. Rows a subprocess commits (the kill test) are removed at the end.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone, translation

from cbs.backups import selectors, services
from cbs.backups.db import Database, table_counts
from cbs.backups.models import BackupAlert, BackupRun, RunKind, RunStatus
from cbs.testing import make_user

MANAGE = str(Path(django_settings.BASE_DIR) / "manage.py")


@pytest.fixture(autouse=True)
def _english():
    """Messages checked in English (the alert e-mails are in the site's language, Turkish)."""
    with translation.override("en"):
        yield


def committed_counts() -> dict:
    """Row counts as another session sees them (what a dump holds)."""
    with Database.from_settings().connect() as conn:
        return table_counts(conn)


def write_files(root: Path, count: int = 3, size: int = 4096) -> dict:
    """Files as the site stores them (server-side names); name -> bytes."""
    files = {}
    for n in range(count):
        name = f"tickets/{n + 1}/{hashlib.sha1(str(n).encode()).hexdigest()}"
        data = os.urandom(size) + f"dosya {n} – ğüşıöç".encode()
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
        files[name] = data
    return files


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.CBS_BACKUP_DIR = tmp_path / "backups"
    settings.CBS_BACKUP_OFFSITE_DIR = None
    settings.CBS_BACKUP_KEEP = 14
    return settings.CBS_BACKUP_DIR


@pytest.fixture
def scratch_db():
    """An empty database on the same server (created from template1, as a fresh install's)."""
    site = Database.from_settings()
    scratch = site.named(f"{site.name}_rt_{os.getpid()}")
    with site.maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)')
        services.create_database(conn, scratch.name)
    yield scratch
    with site.maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)')


@pytest.fixture
def committed_rows_removed():
    """Removes the run records a subprocess committed – after the test's transaction has rolled
    back (ask for it before `db`), since the test itself updates them."""
    started = timezone.now()
    yield
    with Database.from_settings().connect() as conn:
        conn.execute("DELETE FROM backups_backupalert WHERE sent_at >= %s", [started])
        conn.execute("DELETE FROM backups_backuprun WHERE started_at >= %s", [started])


def fake_backup(folder: Path, name: str) -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "manifest.json").write_text("{}")
    return folder / name


def verify_logs(database: Database) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, MANAGE, "verify_logs"], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": database.url}, timeout=600)


class RoundTripTests:
    def test_backup_restore_round_trip(self, db, media, backup_dir, scratch_db, settings, tmp_path):
        """A backup of the committed database and the files restores into an empty database and
        folder with the same row counts and checksums, and its logs still verify; a non-empty
        database or folder is refused unless forced. The off-site copy is written and checked,
        and older backups beyond CBS_BACKUP_KEEP are removed in both places."""
        files = write_files(media)
        offsite = tmp_path / "offsite"
        settings.CBS_BACKUP_OFFSITE_DIR, settings.CBS_BACKUP_KEEP = offsite, 1
        fake_backup(backup_dir, "20200101T000000Z")
        fake_backup(offsite, "20200101T000000Z")
        (backup_dir / "20200102T000000Z.partial").mkdir()  # a killed run's leftover

        before = committed_counts()
        run = services.backup_create(actor="test")

        assert run.status == RunStatus.SUCCEEDED, run.error
        folder = Path(run.path)
        assert sorted(p.name for p in backup_dir.iterdir()) == [folder.name]  # kept 1, leftovers gone
        assert sorted(p.name for p in offsite.iterdir()) == [folder.name]
        assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "files-default.tar", "manifest.json"]
        assert folder.stat().st_mode & 0o777 == 0o700  # personal data: the owner only
        assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}
        manifest = json.loads((folder / "manifest.json").read_text())
        # The counts are the dump's own snapshot: exactly the committed rows.
        assert manifest["database"]["tables"] == before
        assert manifest["database"]["tables"]["public.layers_bina"] > 0
        assert manifest["database"]["sha256"] == hashlib.sha256((folder / "database.dump").read_bytes()).hexdigest()
        entries = manifest["files"]["default"]["entries"]
        assert {n: e["sha256"] for n, e in entries.items()} == {n: hashlib.sha256(d).hexdigest()
                                                                  for n, d in files.items()}
        assert manifest["verify_logs"]["ok"] and manifest["app"]["version"]
        assert manifest["database"]["migrations"]["backups"] == "0001_initial"
        for path in folder.iterdir():
            assert (offsite / folder.name / path.name).read_bytes() == path.read_bytes()
        assert run.checks["offsite"]["ok"] and run.size_bytes > manifest["database"]["size"]

        restored_media = tmp_path / "restored-media"
        result = services.backup_restore(source=folder, database_url=scratch_db.url, media_root=restored_media)

        assert result["tables"] == [] and result["files"] == [], result
        counts = committed_counts_of(scratch_db)
        assert counts["public.backups_backuprun"] == before["public.backups_backuprun"] + 1  # the restore's record
        assert {**counts, "public.backups_backuprun": before["public.backups_backuprun"]} == before
        for name, data in files.items():
            assert (restored_media / name).read_bytes() == data
        with scratch_db.connect() as conn:  # the restore's own record, in the restored database
            assert conn.execute("SELECT status, name FROM backups_backuprun WHERE kind = 'restore'").fetchall() == [
                ("succeeded", folder.name)]
        check = verify_logs(scratch_db)
        assert check.returncode == 0, check.stderr
        assert "audit: OK" in check.stdout

        # Not into a database that holds data: neither the scratch one now, nor the site's own.
        with pytest.raises(services.BackupError, match="not empty"):
            services.backup_restore(source=folder, database_url=scratch_db.url, media_root=tmp_path / "other")
        with pytest.raises(services.BackupError, match="not empty"):
            services.backup_restore(source=folder.name)
        assert committed_counts() == before  # the site's database was not touched
        # Nor files over files: an empty database but a folder that holds files.
        with Database.from_settings().maintenance() as conn:
            conn.execute(f'DROP DATABASE "{scratch_db.name}" WITH (FORCE)')
            services.create_database(conn, scratch_db.name)
        with pytest.raises(services.BackupError, match="file storage is not empty"):
            services.backup_restore(source=folder, database_url=scratch_db.url, media_root=restored_media)
        with scratch_db.connect() as conn:
            assert conn.execute("SELECT to_regclass('layers_bina')").fetchone()[0] is None  # untouched
        # --force replaces both.
        result = services.backup_restore(source=folder, database_url=scratch_db.url, media_root=restored_media,
                                         force=True)
        assert result["tables"] == [] and result["files"] == []

    def test_damaged_backup_is_not_restored(self, db, media, backup_dir, scratch_db):
        write_files(media, count=1)
        folder = Path(services.backup_create(actor="test").path)
        with open(folder / "files-default.tar", "r+b") as handle:  # one byte of a file's data flipped
            handle.seek(600)
            byte = handle.read(1)[0]
            handle.seek(600)
            handle.write(bytes([byte ^ 0xFF]))  # (a fixed byte was already there once in 256 runs)
        with pytest.raises(services.BackupError, match="damaged"):
            services.backup_restore(source=folder, database_url=scratch_db.url, media_root=media.parent / "r")
        with scratch_db.connect() as conn:
            assert conn.execute("SELECT to_regclass('layers_bina')").fetchone()[0] is None


def committed_counts_of(database: Database) -> dict:
    with database.connect() as conn:
        return table_counts(conn)


class DrillTests:
    def test_drill_restores_checks_and_records_rpo_rto(self, db, media, backup_dir):
        """The drill restores the newest backup into a scratch database it drops afterwards, finds
        counts, checksums and log chains intact and records RPO and RTO."""
        write_files(media)
        backup = services.backup_create(actor="test")
        run = services.backup_drill(actor="test")

        assert run.kind == RunKind.DRILL and run.status == RunStatus.SUCCEEDED, (run.error, run.checks)
        assert run.name == backup.name
        for check in ("integrity", "tables", "files", "referenced_files", "verify_logs"):
            assert run.checks[check]["ok"], check
        assert run.checks["files"]["files"] == 3
        assert run.checks["tables"]["rows"] > 1000
        assert 0 <= run.rpo_seconds < 600 and 0 < run.rto_seconds < 600
        with Database.from_settings().maintenance() as conn:
            left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE '%\\_drill\\_%'").fetchall()
        assert left == []
        assert selectors.backup_problem() is None

    def test_drill_of_a_damaged_backup_fails_and_alerts(self, db, media, backup_dir, settings):
        settings.CBS_BACKUP_ALERT_EMAIL = ["bilgi-islem@example.org"]
        folder = Path(services.backup_create(actor="test").path)
        with open(folder / "database.dump", "r+b") as handle:  # four bytes flipped: surely different
            handle.seek(2000)
            flipped = bytes(b ^ 0xFF for b in handle.read(4))
            handle.seek(2000)
            handle.write(flipped)
        mail.outbox.clear()

        run = services.backup_drill(actor="test")

        assert run.status == RunStatus.FAILED and not run.checks["integrity"]["ok"]
        assert "database.dump" in run.error
        assert [m.to for m in mail.outbox] == [["bilgi-islem@example.org"]]
        assert selectors.backup_problem().reason == "drill"

    def test_drill_without_backup_fails(self, db, backup_dir):
        with pytest.raises(services.BackupError, match="no complete backup"):
            services.backup_drill(actor="test")
        assert BackupRun.objects.get(kind=RunKind.DRILL).status == RunStatus.FAILED


class KillTests:
    def test_killed_backup_never_looks_complete_and_ends_failed(self, committed_rows_removed, db, tmp_path, settings):
        """SIGKILL to `manage.py backup_create` (and its children) half-way: no complete backup,
        the record is marked failed as soon as someone looks, the next backup works."""
        target, media = tmp_path / "backups", tmp_path / "media"
        media.mkdir()
        write_files(media, count=20, size=256 * 1024)
        settings.MEDIA_ROOT, settings.CBS_BACKUP_DIR, settings.CBS_BACKUP_OFFSITE_DIR = media, target, None
        env = {**os.environ, "DATABASE_URL": Database.from_settings().url, "CBS_BACKUP_DIR": str(target),
               "CBS_MEDIA_ROOT": str(media), "CBS_BACKUP_OFFSITE_DIR": ""}
        proc = subprocess.Popen([sys.executable, MANAGE, "backup_create"], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # Half-way: the dump and the files are written, verify_logs is running, no manifest yet.
            deadline = time.monotonic() + 120
            while not list(target.glob("*.partial/verify_logs.log")):
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.02)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            run = BackupRun.objects.get(path__startswith=str(target))
            assert run.status == RunStatus.RUNNING  # as the killed process left it
            assert services.complete_backups(target) == []
            assert list(target.glob("*.partial/files-default.tar"))

            assert services.reap() == 1  # its pid is gone on this host
            run.refresh_from_db()
            assert run.status == RunStatus.FAILED and "Interrupted" in run.error
            assert run.finished_at is not None
            assert selectors.backup_problem().reason == "failed"
            assert BackupAlert.objects.filter(run=run, reason="failed").exists()

            _wait_for_lock_release()
            again = services.backup_create(actor="test")
            assert again.status == RunStatus.SUCCEEDED
            assert [p.name for p in target.iterdir()] == [again.name]  # the partial is gone
            assert selectors.backup_problem() is None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)

    def test_failing_backup_is_recorded_and_alerted(self, db, media, backup_dir, settings, tmp_path):
        settings.CBS_PG_BIN = str(tmp_path / "no-postgresql-here")
        settings.ADMINS = [("Bilgi İşlem", "admin@example.org")]
        mail.outbox.clear()
        with pytest.raises(services.BackupError, match="pg_dump"):
            services.backup_create(actor="test")
        run = BackupRun.objects.get(kind=RunKind.BACKUP)
        assert run.status == RunStatus.FAILED and "pg_dump" in run.error
        assert services.complete_backups(backup_dir) == []
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["admin@example.org"]
        assert selectors.backup_problem().reason == "failed"


def _wait_for_lock_release(seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    with Database.from_settings().connect() as conn:
        while conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                           [services.LOCK_BACKUP]).fetchone()[0]:
            assert time.monotonic() < deadline
            time.sleep(0.05)


class PruneTests:
    def test_keeps_the_newest_and_only_touches_its_own_names(self, db, tmp_path):
        for name in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260103T000000Z-2"):
            fake_backup(tmp_path, name)
        (tmp_path / "20260104T000000Z.partial").mkdir()
        (tmp_path / "notes").mkdir()
        (tmp_path / "20250101T000000Z").mkdir()  # no manifest: not a backup, not ours to judge
        BackupRun.objects.create(kind=RunKind.BACKUP, started_at=timezone.now(), heartbeat=timezone.now(),
                                 name="20260105T000000Z")
        (tmp_path / "20260105T000000Z.partial").mkdir()  # a running backup's

        removed = services.prune(tmp_path, keep=2)

        assert sorted(removed) == ["20260101T000000Z", "20260102T000000Z", "20260104T000000Z.partial"]
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "20250101T000000Z", "20260103T000000Z", "20260103T000000Z-2", "20260105T000000Z.partial", "notes"]


class WarningTests:
    def test_missing_or_failed_backup_warns_superusers_only(self, db, client):
        superuser, staff = make_user(superuser=True), make_user(("module:tickets", "edit"))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        client.force_login(superuser)
        page = client.get("/").content.decode()
        assert 'id="backup-warning"' in page and "No backup has been made yet." in page
        assert 'id="backup-warning"' in client.get("/admin/").content.decode()
        client.force_login(staff)
        assert 'id="backup-warning"' not in client.get("/").content.decode()
        client.logout()
        assert 'id="backup-warning"' not in client.get("/").content.decode()

        now = timezone.now()
        BackupRun.objects.create(kind=RunKind.BACKUP, status=RunStatus.SUCCEEDED, started_at=now - timedelta(hours=30),
                                 finished_at=now - timedelta(hours=30), name="old")
        client.force_login(superuser)
        assert "No successful backup in the last 26 hours" in client.get("/").content.decode()
        BackupRun.objects.create(kind=RunKind.BACKUP, status=RunStatus.SUCCEEDED, started_at=now - timedelta(hours=2),
                                 finished_at=now - timedelta(hours=2), name="new")
        assert 'id="backup-warning"' not in client.get("/").content.decode()
        BackupRun.objects.create(kind=RunKind.BACKUP, status=RunStatus.FAILED, started_at=now - timedelta(hours=1),
                                 finished_at=now, name="bad", error="disk full")
        page = client.get("/").content.decode()
        assert "The last backup failed" in page and "disk full" in page

    def test_warning_in_turkish(self, db, client):
        client.force_login(make_user(superuser=True))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
        assert "Henüz hiç yedek alınmadı." in client.get("/").content.decode()

    def test_missing_backup_mails_once_per_period(self, db, settings):
        settings.CBS_BACKUP_ALERT_EMAIL = ["bilgi-islem@example.org"]
        # no alert sent in this period yet (a browser test's live server may have committed one)
        BackupAlert.objects.all().delete()
        mail.outbox.clear()
        assert services.backup_check().reason == "missing"
        assert services.backup_check().reason == "missing"
        assert [m.to for m in mail.outbox] == [["bilgi-islem@example.org"]]
        assert "yedek" in mail.outbox[0].subject  # in the site's language
        assert BackupAlert.objects.filter(reason="missing").count() == 1


class AdminPageTests:
    def test_backup_page_lists_runs_for_superusers(self, db, client):
        now = timezone.now()
        BackupRun.objects.create(kind=RunKind.BACKUP, status=RunStatus.SUCCEEDED, started_at=now, finished_at=now,
                                 name="20261124T010000Z", size_bytes=12_345_678)
        BackupRun.objects.create(kind=RunKind.DRILL, status=RunStatus.SUCCEEDED, started_at=now, finished_at=now,
                                 name="20261124T010000Z", rpo_seconds=3600, rto_seconds=42.5)
        # a killed run from another moment: shown failed, not running
        BackupRun.objects.create(kind=RunKind.BACKUP, started_at=now - timedelta(hours=5),
                                 heartbeat=now - timedelta(hours=5), host="other-host", pid=1)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        client.force_login(make_user(superuser=True))
        page = client.get("/admin/backups/backuprun/")
        assert page.status_code == 200
        text = page.content.decode()
        assert 'id="backup-overview"' in text and "20261124T010000Z" in text
        assert "11.8\xa0MB" in text  # filesizeformat keeps number and unit together
        assert "42.5 s" in text and "60 min" in text
        assert BackupRun.objects.filter(status=RunStatus.RUNNING).count() == 0
        client.force_login(make_user(("module:tickets", "edit")))
        assert client.get("/admin/backups/backuprun/").status_code == 403


class ComposeTests:
    def test_files_and_backups_live_on_named_volumes(self):
        """A recreated container keeps stored files and backups; the image can dump the db service."""
        import yaml

        base = Path(django_settings.BASE_DIR)
        compose = yaml.safe_load((base / "docker-compose.yml").read_text())
        assert {"media", "backups"} <= set(compose["volumes"])
        mounts = compose["services"]["app"]["volumes"]
        assert "media:/app/var/media" in mounts and "backups:/app/var/backups" in mounts
        # The app's defaults point there: MEDIA_ROOT = var/media, CBS_BACKUP_DIR = var/backups.
        dockerfile = (base / "Dockerfile").read_text()
        assert "postgresql-client" in dockerfile and "/app/var/backups" in dockerfile
        assert compose["services"]["db"]["image"].startswith("postgis/postgis:15")  # pg_dump 15 matches


def test_drop_database_waits_for_a_process_it_may_not_end(scratch_db):
    """A freshly restored database gets an autovacuum worker at once, which the site's role may
    not end (DROP DATABASE … WITH (FORCE): "must be a member of the role whose process is being
    terminated"): the drill's drop waits for it instead of failing. Here a session of the
    cluster's bootstrap superuser (make test's private cluster trusts its socket) plays that
    process and leaves after a second."""
    import threading

    import psycopg

    with Database.from_settings().connect() as conn:
        site_is_superuser, bootstrap = conn.execute(
            "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
            "(SELECT rolname FROM pg_roles WHERE oid = 10)").fetchone()
    assert not site_is_superuser, "the site's role must not be a superuser (it could end any session)"
    other = psycopg.connect(host=scratch_db.host or None, port=scratch_db.port or None, user=bootstrap,
                            dbname=scratch_db.name, autocommit=True)
    threading.Timer(1.0, other.close).start()
    started = time.monotonic()
    with scratch_db.maintenance() as conn:
        services.drop_database(conn, scratch_db.name)
        gone = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [scratch_db.name]).fetchone()[0]
    assert gone == 0
    assert time.monotonic() - started >= 0.8
