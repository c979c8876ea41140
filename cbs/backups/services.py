"""Backups, restores and restore drills (README "Backups"); the functions the job queue runs.

A backup is a folder `CBS_BACKUP_DIR/<UTC start time>/` with

- `database.dump` – pg_dump's custom format (compressed, restorable table by table),
- `files-<storage>.tar` – every stored file (ticket attachments, import uploads) read through
  Django's storage API,
- `manifest.json` – row counts per table taken in the dump's own snapshot, sha256 and size of the
  dump, of each archive and of each file, durations, the `verify_logs` result, the app version and
  migrations.

It is written as `<time>.partial` and renamed only when complete, so a killed backup never looks
complete; its record (`BackupRun`) is marked failed by `reap()`. A drill restores the newest complete
backup into a scratch database it creates and drops, checks it against the manifest, runs
`verify_logs` on it and records RPO and RTO.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connections, models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from . import archive, selectors
from .db import EXCLUDED_TABLES, BackupError, Database, is_empty, table_counts, tool
from .models import BackupAlert, BackupRun, RunKind, RunStatus

MANIFEST = "manifest.json"
DUMP = "database.dump"
FORMAT = 1
NAME = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
PARTIAL = ".partial"
# pg_advisory_lock keys: one backup and one drill at a time on a database, whichever host.
LOCK_BACKUP, LOCK_DRILL = 7_317_001, 7_317_002
BEAT_SECONDS = 5


def files_archive(alias: str) -> str:
    return f"files-{alias}.tar"


# --- run records ------------------------------------------------------------------------------

class _Run:
    """The record of one run: created running, with a heartbeat; failed on any exception."""

    def __init__(self, kind: str, actor: str):
        self.kind, self.actor, self._beat = kind, actor, 0.0
        self.run: BackupRun | None = None

    def __enter__(self) -> _Run:
        now = timezone.now()
        self.run = BackupRun.objects.create(kind=self.kind, actor=self.actor[:150], started_at=now,
                                            heartbeat=now, pid=os.getpid(), host=socket.gethostname()[:100])
        return self

    def beat(self) -> None:
        if time.monotonic() - self._beat >= BEAT_SECONDS:
            self._beat = time.monotonic()
            BackupRun.objects.filter(pk=self.run.pk).update(heartbeat=timezone.now())

    def update(self, **fields) -> None:
        for key, value in fields.items():
            setattr(self.run, key, value)
        BackupRun.objects.filter(pk=self.run.pk).update(**fields)

    def finish(self, status: str = RunStatus.SUCCEEDED, **fields) -> None:
        self.update(status=status, finished_at=timezone.now(), heartbeat=timezone.now(), **fields)
        if status == RunStatus.FAILED:
            alert_failed(self.run)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and self.run.status == RunStatus.RUNNING:
            message = str(exc) if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                message = _("Interrupted (the process was stopped) before it finished.")
            self.finish(RunStatus.FAILED, error=message[:5000])
        return False


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child of this process stays a zombie until it is waited for
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def reap(now: datetime | None = None) -> int:
    """Mark failed every running backup/drill whose process is gone (killed, host restarted):
    its pid is dead on this host, or it gave no sign of life for CBS_BACKUP_STALE_SECONDS."""
    now = now or timezone.now()
    host = socket.gethostname()[:100]
    stale_before = now - timedelta(seconds=settings.CBS_BACKUP_STALE_SECONDS)
    reaped = 0
    for run in BackupRun.objects.filter(status=RunStatus.RUNNING):
        dead_here = run.host == host and not _alive(run.pid)
        if dead_here or (run.heartbeat or run.started_at) < stale_before:
            updated = BackupRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now,
                error=_("Interrupted: the process stopped (killed, or its host restarted) before it "
                        "finished. Nothing it wrote counts as a backup."))
            if updated:
                reaped += 1
                run.refresh_from_db()
                alert_failed(run)
    return reaped


@contextmanager
def _lock(db: Database, key: int, busy: str):
    """A session advisory lock on its own connection (released if the process dies)."""
    conn = db.connect()
    try:
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]:
            raise BackupError(busy)
        yield
    finally:
        conn.close()


def _process(cmd: list[str], env: dict, beat, log: Path) -> tuple[int, str]:
    """Run a program, beating while it runs; its exit code and the end of its output."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        try:
            while proc.poll() is None:
                beat()
                time.sleep(0.2)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    text = log.read_text("utf-8", "replace")
    return proc.returncode, text[-4000:]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def app_version() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("kent-cbs")
    except PackageNotFoundError:
        release = ""
    commit = ""
    try:
        commit = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return {"version": release, "commit": commit, "python": sys.version.split()[0]}


def _verify_logs(db: Database, beat, scratch: Path) -> dict:
    """`manage.py verify_logs` against a database, in a process of its own (DATABASE_URL)."""
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": db.url}
    code, output = _process([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "verify_logs"],
                            env, beat, scratch / "verify_logs.log")
    return {"ok": code == 0, "exit_code": code, "output": output.strip()[-2000:],
            "seconds": round(time.monotonic() - started, 2)}


# --- backup -----------------------------------------------------------------------------------

def backup_create(*, target: Path | str | None = None, actor: str = "system") -> BackupRun:
    """Back up the site's database and stored files into `target` (CBS_BACKUP_DIR), copy it to
    CBS_BACKUP_OFFSITE_DIR, keep the newest CBS_BACKUP_KEEP in each. Returns the run record."""
    target = Path(target or settings.CBS_BACKUP_DIR)
    db = Database.from_settings()
    reap()
    with _lock(db, LOCK_BACKUP, _("Another backup is running.")), _Run(RunKind.BACKUP, actor) as run:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = _new_name(target, run.run.started_at)
        partial, final = target / f"{name}{PARTIAL}", target / name
        run.update(name=name, path=str(final))
        partial.mkdir(mode=0o700)  # personal data and password hashes: for the backup's owner only
        started = time.monotonic()
        manifest = {"format": FORMAT, "name": name, "started_at": run.run.started_at.isoformat(),
                    "app": app_version(), "durations": {}}
        manifest["database"] = _dump(db, partial / DUMP, run.beat)
        manifest["durations"]["database"] = manifest["database"].pop("seconds")
        manifest["files"] = {}
        for alias in settings.CBS_BACKUP_STORAGES:
            step = time.monotonic()
            path = partial / files_archive(alias)
            found = archive.archive_storage(archive.storage_for(alias), path, run.beat)
            manifest["files"][alias] = {
                "archive": path.name, "size": path.stat().st_size, "sha256": archive.sha256_file(path),
                "count": len(found["files"]), "bytes": sum(f["size"] for f in found["files"].values()),
                "vanished": found["vanished"], "entries": found["files"]}
            manifest["durations"][f"files-{alias}"] = round(time.monotonic() - step, 2)
        manifest["verify_logs"] = _verify_logs(db, run.beat, partial)
        (partial / "verify_logs.log").unlink(missing_ok=True)
        manifest["durations"]["total"] = round(time.monotonic() - started, 2)
        manifest["finished_at"] = timezone.now().isoformat()
        size = sum(p.stat().st_size for p in partial.iterdir()) + len(json.dumps(manifest, indent=1))
        manifest["size"] = size
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
        for path in partial.iterdir():
            path.chmod(0o600)
            _fsync(path)
        _fsync(partial)
        os.rename(partial, final)  # complete only now
        _fsync(target)
        checks = summary(manifest)
        run.update(size_bytes=size, checks=checks)
        offsite_error = None
        if settings.CBS_BACKUP_OFFSITE_DIR:
            try:
                copy = copy_offsite(final, Path(settings.CBS_BACKUP_OFFSITE_DIR), manifest, run.beat)
                run.update(offsite_path=str(copy), checks={**checks, "offsite": {"ok": True, "path": str(copy)}})
                prune(Path(settings.CBS_BACKUP_OFFSITE_DIR), settings.CBS_BACKUP_KEEP)
            except (OSError, BackupError) as exc:
                offsite_error = str(exc)
                run.update(checks={**checks, "offsite": {"ok": False, "error": offsite_error}})
        prune(target, settings.CBS_BACKUP_KEEP)
        if offsite_error:
            raise BackupError(_("The backup is complete in %(path)s, but the off-site copy failed: %(error)s")
                              % {"path": final, "error": offsite_error})
        if not manifest["verify_logs"]["ok"]:
            raise BackupError(_("The backup is complete in %(path)s, but verify_logs found broken log "
                                "chains in the database (see the checks).") % {"path": final})
        run.finish()
    return run.run


def _new_name(folder: Path, started: datetime) -> str:
    base = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while (folder / name).exists() or (folder / f"{name}{PARTIAL}").exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _dump(db: Database, path: Path, beat) -> dict:
    """pg_dump in a snapshot shared with the row counts, so the counts are the dump's own."""
    started = time.monotonic()
    conn = db.connect(autocommit=False)
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    try:
        snapshot, taken_at, server = conn.execute(
            "SELECT pg_export_snapshot(), now(), current_setting('server_version')").fetchone()
        exclude_data = _extension_data_excluded(conn)
        cmd = [tool("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={path}",
               *[f"--exclude-table={p}" for p in EXCLUDED_TABLES],
               *[f"--exclude-table-data={t}" for t in exclude_data]]
        log = path.with_suffix(".log")
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, env=db.env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
            try:
                counts = table_counts(conn)  # while pg_dump reads: the same snapshot
                migrations = dict(conn.execute(
                    "SELECT DISTINCT ON (app) app, name FROM django_migrations ORDER BY app, id DESC").fetchall())
                while proc.poll() is None:
                    beat()
                    time.sleep(0.2)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
        output = log.read_text("utf-8", "replace")
        log.unlink()
        if proc.returncode != 0:
            raise BackupError(_("pg_dump failed: %(output)s") % {"output": output[-2000:]})
        version = subprocess.run([tool("pg_dump"), "--version"], capture_output=True, text=True).stdout.strip()
    finally:
        conn.close()
    return {"dump": path.name, "size": path.stat().st_size, "sha256": archive.sha256_file(path),
            "format": "pg_dump custom", "pg_dump": version, "server_version": server,
            "source": db.label, "snapshot_at": taken_at.isoformat(), "tables": counts,
            "rows": sum(counts.values()), "excluded_tables": list(EXCLUDED_TABLES),
            "excluded_data": exclude_data, "migrations": migrations,
            "seconds": round(time.monotonic() - started, 2)}


def _extension_data_excluded(conn) -> list[str]:
    """Extensions' configuration tables whose data is left out of the dump: the extension puts its
    own rows back when it is created (PostGIS topology's and tiger geocoder's tables, which the
    PostGIS image installs; restoring them again would collide). PostGIS's spatial_ref_sys is kept
    when it holds SRIDs added by hand (restoring those needs a role that may write it)."""
    rows = conn.execute("""
        SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relname, x.cond
        FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cond)
        JOIN pg_class c ON c.oid = x.oid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r'""").fetchall()
    excluded = []
    for table, name, condition in rows:
        if name == "spatial_ref_sys" and conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} {condition or ''})").fetchone()[0]:  # noqa: S608
            continue
        excluded.append(table)
    return sorted(excluded)


def summary(manifest: dict) -> dict:
    """What the run record keeps of a manifest (not the per-file list)."""
    database = manifest["database"]
    return {
        "database": {k: database[k] for k in ("size", "sha256", "rows", "snapshot_at", "server_version")}
        | {"tables": len(database["tables"])},
        "files": {alias: {k: v for k, v in f.items() if k != "entries"} for alias, f in manifest["files"].items()},
        "verify_logs": {k: manifest["verify_logs"][k] for k in ("ok", "exit_code", "seconds")},
        "durations": manifest["durations"], "app": manifest["app"],
    }


def copy_offsite(source: Path, folder: Path, manifest: dict, beat) -> Path:
    """Copy a complete backup to the off-site folder (as .partial, checked, then renamed)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    final, partial = folder / source.name, folder / f"{source.name}{PARTIAL}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    for path in sorted(source.iterdir()):
        beat()
        shutil.copyfile(path, partial / path.name)
        _fsync(partial / path.name)
    problems = check_integrity(partial, manifest)
    if problems:
        raise BackupError(_("the copy differs from the backup: %(problems)s") % {"problems": "; ".join(problems)})
    _fsync(partial)
    if final.exists():
        shutil.rmtree(final)
    os.rename(partial, final)
    _fsync(folder)
    return final


def complete_backups(folder: Path) -> list[Path]:
    """Complete backups in a folder, oldest first (names are UTC times)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_dir() and NAME.match(p.name) and (p / MANIFEST).is_file()),
                  key=lambda p: p.name)


def prune(folder: Path, keep: int) -> list[str]:
    """Keep the newest `keep` complete backups; remove older ones and the .partial leftovers of
    runs no longer running. Only our own names are ever touched."""
    removed = []
    for old in complete_backups(folder)[:-keep] if keep else []:
        shutil.rmtree(old)
        removed.append(old.name)
    running = set(BackupRun.objects.filter(status=RunStatus.RUNNING).values_list("name", flat=True))
    for path in folder.glob(f"*{PARTIAL}") if folder.is_dir() else []:
        base = path.name[: -len(PARTIAL)]
        if NAME.match(base) and base not in running:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


# --- reading a backup -------------------------------------------------------------------------

def resolve(source: Path | str) -> Path:
    """A backup folder given as a path, or as a name in CBS_BACKUP_DIR."""
    path = Path(source)
    if not path.is_dir() and (Path(settings.CBS_BACKUP_DIR) / str(source)).is_dir():
        path = Path(settings.CBS_BACKUP_DIR) / str(source)
    if not (path / MANIFEST).is_file():
        raise BackupError(_("%(path)s is not a complete backup (no manifest.json).") % {"path": path})
    return path


def load_manifest(folder: Path) -> dict:
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format in %(path)s.") % {"path": folder})
    return manifest


def check_integrity(folder: Path, manifest: dict) -> list[str]:
    """The dump and the archives against the manifest's checksums: the problems found."""
    expected = {manifest["database"]["dump"]: manifest["database"]["sha256"]}
    expected |= {f["archive"]: f["sha256"] for f in manifest["files"].values()}
    problems = []
    for name, sha in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(_("%(file)s is missing") % {"file": name})
        elif archive.sha256_file(path) != sha:
            problems.append(_("%(file)s does not match its checksum") % {"file": name})
    return problems


# --- restore ----------------------------------------------------------------------------------

def _restore_database(dump: Path, db: Database, beat, scratch: Path) -> None:
    """pg_restore as one transaction (all or nothing), objects owned by the connecting role."""
    cmd = [tool("pg_restore"), "--no-password", "--no-owner", "--no-privileges", "--no-comments",
           "--single-transaction", "--exit-on-error", f"--dbname={db.name}", str(dump)]
    code, output = _process(cmd, db.env(), beat, scratch / "pg_restore.log")
    if code != 0:
        raise BackupError(_("pg_restore failed: %(output)s") % {"output": output[-2000:]})


def _mark_restored_run(db: Database, manifest: dict) -> None:
    """In the restored database, the backup's own record was "running" when its snapshot was
    taken; the backup completed (it has a manifest), so say so."""
    with db.connect() as conn:
        if conn.execute("SELECT to_regclass('backups_backuprun')").fetchone()[0] is None:
            return
        conn.execute("UPDATE backups_backuprun SET status = %s, finished_at = %s, pid = NULL, error = '' "
                     "WHERE kind = %s AND name = %s AND status = %s",
                     [RunStatus.SUCCEEDED, manifest["finished_at"], RunKind.BACKUP, manifest["name"],
                      RunStatus.RUNNING])


def _ensure_database(db: Database) -> None:
    """Create the target database when it does not exist yet (a fresh server)."""
    try:
        db.connect().close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        with db.maintenance() as conn:
            create_database(conn, db.name)


def create_database(conn, name: str) -> None:
    """CREATE DATABASE (from template1), waiting a little while another session is connected to
    the template (PostgreSQL refuses to copy it meanwhile: `pg.sh start` and `make test` touch it)."""
    _retried(conn, f'CREATE DATABASE "{_ident(name)}"', psycopg.errors.ObjectInUse, attempts=50)


def drop_database(conn, name: str) -> None:
    """DROP DATABASE IF EXISTS … WITH (FORCE), waiting while an autovacuum worker is in it: a
    freshly restored database gets one at once, and only a superuser (or pg_signal_backend) may
    end it – the site's role may not (PostgreSQL 15: "must be a member of the role whose process
    is being terminated"). Up to 60 s; autovacuum's pass over a new database is short."""
    _retried(conn, f'DROP DATABASE IF EXISTS "{_ident(name)}" WITH (FORCE)', psycopg.errors.InsufficientPrivilege,
             attempts=300)


def _retried(conn, sql: str, error: type[Exception], *, attempts: int) -> None:
    """Run `sql`, again every 0.2 s while it fails with `error` (the last failure is raised)."""
    for attempt in range(attempts):
        try:
            conn.execute(sql)
            return
        except error:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,63}", name):
        raise BackupError(_("Unusual database name %(name)s: create and empty it by hand.") % {"name": name})
    return name


def _recreate_database(db: Database) -> None:
    connections.close_all()  # our own connection to it, if any
    with db.maintenance() as conn:
        drop_database(conn, db.name)
        create_database(conn, db.name)


def _storages_for(manifest: dict, media_root: Path | None) -> dict:
    """Where each archive goes: the configured storage, or under `media_root` (the default
    storage's files in it, another storage's in a sub-folder named after it)."""
    return {alias: archive.storage_for(alias, None if media_root is None else
                                       (media_root if alias == "default" else media_root / alias))
            for alias in manifest["files"]}


def compare_counts(expected: dict, found: dict) -> list[str]:
    return [f"{table}: {expected.get(table)} → {found.get(table)}"
            for table in sorted(set(expected) | set(found)) if expected.get(table) != found.get(table)]


def compare_files(manifest: dict, written: dict) -> list[str]:
    """Files of the manifest missing or different among those read back (alias -> name -> sum)."""
    problems = []
    for alias, files in manifest["files"].items():
        for name, entry in files["entries"].items():
            got = written.get(alias, {}).get(name)
            if got is None:
                problems.append(f"{alias}:{name} missing")
            elif got["sha256"] != entry["sha256"] or got["size"] != entry["size"]:
                problems.append(f"{alias}:{name} differs")
    return problems


def backup_restore(*, source: Path | str, database_url: str | None = None, media_root: Path | str | None = None,
                   force: bool = False, actor: str = "system", stdout=None) -> dict:
    """Restore a backup into an empty database (the site's, or `database_url`) and its files into
    the storages (or `media_root`). A non-empty database or storage is refused unless `force`
    (then the database is dropped and created again, and files of the same name replaced)."""
    folder = resolve(source)
    manifest = load_manifest(folder)
    problems = check_integrity(folder, manifest)
    if problems:
        raise BackupError(_("The backup is damaged: %(problems)s") % {"problems": "; ".join(problems)})
    db = Database.from_url(database_url) if database_url else Database.from_settings()
    targets = _storages_for(manifest, Path(media_root) if media_root else None)
    _ensure_database(db)
    with db.connect() as conn:
        empty = is_empty(conn)
    if not empty and not force:
        raise BackupError(_("The database %(db)s is not empty: restore into an empty database, or "
                            "use --force to replace it.") % {"db": db.label})
    occupied = [alias for alias, storage in targets.items() if next(archive.walk(storage), None) is not None]
    if occupied and not force:
        raise BackupError(_("The file storage is not empty (%(storages)s): restore into an empty one "
                            "(--media-root), or use --force to replace files of the same name.")
                          % {"storages": ", ".join(occupied)})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cbs-restore-") as scratch:
        if not empty:
            _recreate_database(db)
        _restore_database(folder / DUMP, db, lambda: None, Path(scratch))
        _mark_restored_run(db, manifest)
        db_seconds = time.monotonic() - started
        written = {}
        for alias, storage in targets.items():
            written[alias] = archive.restore_storage(folder / manifest["files"][alias]["archive"], storage,
                                                     replace=force)
    seconds = time.monotonic() - started
    with db.connect() as conn:
        counts = table_counts(conn)
    result = {"backup": manifest["name"], "database": db.label, "seconds": round(seconds, 2),
              "database_seconds": round(db_seconds, 2),
              "tables": compare_counts(manifest["database"]["tables"], counts),
              "files": compare_files(manifest, written),
              "restored_files": sum(len(w) for w in written.values())}
    _record_restore(db, manifest, result, actor)
    return result


def _record_restore(db: Database, manifest: dict, result: dict, actor: str) -> None:
    """The restore's own record, in the restored database (where it is true)."""
    now = timezone.now()
    with db.connect() as conn:
        if conn.execute("SELECT to_regclass('backups_backuprun')").fetchone()[0] is None:
            return
        ok = not result["tables"] and not result["files"]
        conn.execute(
            "INSERT INTO backups_backuprun (kind, status, name, path, offsite_path, actor, started_at, finished_at, "
            "heartbeat, pid, host, size_bytes, rpo_seconds, rto_seconds, checks, error) "
            "VALUES (%s, %s, %s, '', '', %s, %s, %s, %s, NULL, %s, %s, NULL, %s, %s, '')",
            [RunKind.RESTORE, RunStatus.SUCCEEDED if ok else RunStatus.FAILED, manifest["name"], actor[:150],
             now - timedelta(seconds=result["seconds"]), now, now, socket.gethostname()[:100],
             manifest.get("size"), result["seconds"], Jsonb(result)])


# --- drill ------------------------------------------------------------------------------------

def backup_drill(*, source: Path | str | None = None, actor: str = "system") -> BackupRun:
    """Restore the newest complete backup (or `source`) into a scratch database and folder, check
    it against its manifest, run verify_logs on it, record RPO and RTO, drop the scratch copy."""
    db = Database.from_settings()
    reap()
    with _lock(db, LOCK_DRILL, _("Another restore drill is running.")), _Run(RunKind.DRILL, actor) as run:
        if source is None:
            found = complete_backups(Path(settings.CBS_BACKUP_DIR))
            if not found:
                raise BackupError(_("There is no complete backup in %(path)s to restore.")
                                  % {"path": settings.CBS_BACKUP_DIR})
            folder = found[-1]
        else:
            folder = resolve(source)
        manifest = load_manifest(folder)
        run.update(name=manifest["name"], path=str(folder), size_bytes=manifest.get("size"))
        checks: dict = {"backup": manifest["name"]}
        problems = check_integrity(folder, manifest)
        checks["integrity"] = {"ok": not problems, "problems": problems}
        if problems:
            run.finish(RunStatus.FAILED, checks=checks,
                       error=_("The backup is damaged: %(problems)s") % {"problems": "; ".join(problems)})
            return run.run
        scratch_db = db.named(f"{db.name[:40]}_drill_{run.run.pk}")
        with db.maintenance() as conn:
            for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                       [db.name[:40].replace("_", r"\_") + r"\_drill\_%"]).fetchall():
                drop_database(conn, old)  # a killed drill's
            create_database(conn, scratch_db.name)
        try:
            with tempfile.TemporaryDirectory(prefix="cbs-drill-") as scratch:
                scratch = Path(scratch)
                started = time.monotonic()
                _restore_database(folder / DUMP, scratch_db, run.beat, scratch)
                _mark_restored_run(scratch_db, manifest)
                database_seconds = time.monotonic() - started
                stores = {alias: archive.storage_for(alias, scratch / "files" / alias) for alias in manifest["files"]}
                for alias, storage in stores.items():
                    archive.restore_storage(folder / manifest["files"][alias]["archive"], storage, beat=run.beat)
                rto = time.monotonic() - started
                with scratch_db.connect() as conn:
                    counts = table_counts(conn)
                    referenced = _referenced_files(conn)
                mismatched = compare_counts(manifest["database"]["tables"], counts)
                checks["tables"] = {"ok": not mismatched, "tables": len(counts), "rows": sum(counts.values()),
                                    "mismatched": mismatched}
                read_back = {alias: archive.checksums(storage, manifest["files"][alias]["entries"])
                             for alias, storage in stores.items()}
                read_back = {a: {n: s for n, s in files.items() if s} for a, files in read_back.items()}
                differing = compare_files(manifest, read_back)
                checks["files"] = {"ok": not differing, "files": sum(len(f) for f in read_back.values()),
                                   "problems": differing[:100]}
                default = stores.get("default")
                missing = [n for n in referenced if default is None or not default.exists(n)]
                checks["referenced_files"] = {"ok": not missing, "referenced": len(referenced), "missing": missing[:100]}
                checks["verify_logs"] = _verify_logs(scratch_db, run.beat, scratch)
        finally:
            with db.maintenance() as conn:
                drop_database(conn, scratch_db.name)
        snapshot_at = datetime.fromisoformat(manifest["database"]["snapshot_at"])
        rpo = (timezone.now() - snapshot_at).total_seconds()
        checks["rto"] = {"database_seconds": round(database_seconds, 2), "total_seconds": round(rto, 2)}
        failed = [name for name in ("integrity", "tables", "files", "referenced_files", "verify_logs")
                  if not checks[name]["ok"]]
        run.finish(RunStatus.FAILED if failed else RunStatus.SUCCEEDED, checks=checks, rpo_seconds=round(rpo, 1),
                   rto_seconds=round(rto, 2),
                   error=_("Checks failed: %(checks)s") % {"checks": ", ".join(failed)} if failed else "")
    return run.run


def _referenced_files(conn) -> list[str]:
    """File names the restored database points at (every FileField of every model)."""
    names = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                table, column = model._meta.db_table, field.column
                if conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is None:
                    continue
                names += [r[0] for r in conn.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\'').fetchall()]  # noqa: S608
    return names


# --- alerts -----------------------------------------------------------------------------------

def alert_recipients() -> list[str]:
    return (list(settings.CBS_BACKUP_ALERT_EMAIL) or [email for _name, email in settings.ADMINS]
            or list(get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
                    .values_list("email", flat=True)))


def _send(reason: str, subject: str, body: str, run: BackupRun | None = None) -> BackupAlert:
    recipients, error = alert_recipients(), ""
    if not recipients:
        error = "no recipients: set CBS_BACKUP_ALERT_EMAIL or CBS_ADMINS"
    else:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception as exc:  # noqa: BLE001 – the alert record says why; the caller goes on
            error = f"{type(exc).__name__}: {exc}"
    return BackupAlert.objects.create(sent_at=timezone.now(), reason=reason, run=run, subject=subject[:200],
                                      recipients=recipients, error=error)


def alert_failed(run: BackupRun) -> BackupAlert:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(site)s: %(kind)s failed") % {"site": settings.CBS_MUNICIPALITY_NAME,
                                                     "kind": run.get_kind_display()}
        body = _("%(kind)s started at %(started)s on %(host)s failed.\n\n%(error)s\n\nThe records are on the "
                 "backup page of the administration.") % {
            "kind": run.get_kind_display(), "started": timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M"),
            "host": run.host or "-", "error": run.error}
    return _send("failed", subject, body, run)


def backup_check(now: datetime | None = None) -> selectors.Problem | None:
    """The periodic check: reap dead runs (alerting on each), and alert when no backup succeeded
    within CBS_BACKUP_MAX_AGE_HOURS (at most once per that period)."""
    now = now or timezone.now()
    reap(now)
    with translation.override(settings.LANGUAGE_CODE):
        problem = selectors.backup_problem(now)
        period = timedelta(hours=settings.CBS_BACKUP_MAX_AGE_HOURS)
        if (problem is not None and problem.reason == "missing"
                and not BackupAlert.objects.filter(reason="missing", sent_at__gte=now - period).exists()):
            subject = _("%(site)s: no backup") % {"site": settings.CBS_MUNICIPALITY_NAME}
            body = str(problem.message) + "\n\n" + _("Run `manage.py backup_create` (or `make backup`) and "
                                                     "check the backup page of the administration.")
            _send("missing", subject, body)
    return problem


def install_signal_handlers() -> None:
    """SIGTERM (docker stop, the queue's worker shutting down) ends the run as failed, not silently."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
