"""Test session: a real PostGIS test database holding the sample municipality.

The samples are committed once at session start (through the same service an editor
uses); tests run inside transactions (`db`) that roll back, so the samples stay intact.
Never use `transactional_db` here: its flush would empty the sample layers for every
later test.
"""

from datetime import date

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_test_database()
        _drop_staging_tables()  # import tests roll back their DROPs: tables a reused database kept
        call_command("load_samples", verbosity=0)
        call_command("load_inventory_samples", verbosity=0)
        publish_all_shareable()
    from ogc import tile_store

    from ogc.config import clear_caches

    clear_caches()
    # Tests that roll back can reuse a layer generation number: start with no cached tiles.
    tile_store.clear()


def _ensure_test_database() -> None:
    """pytest-django creates the test database only when a selected test asks for `db`; tests
    that commit through `django_db_setup` alone (the import kill test, the replica tests) would
    otherwise run against the site's own database when selected by themselves."""
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX
    from django.test.utils import setup_databases

    name = connection.settings_dict["NAME"]
    test_name = connection.settings_dict["TEST"].get("NAME")
    if name != test_name and not name.startswith(TEST_DATABASE_PREFIX):
        setup_databases(verbosity=0, interactive=False, keepdb=True, aliases={"default"})


def _drop_staging_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(quote_ident(schemaname) || '.' || quote_ident(tablename), ', ') FROM pg_tables "
                       "WHERE schemaname = 'cbs_import'")
        tables = cursor.fetchone()[0]
        if tables:
            cursor.execute(f"DROP TABLE {tables}")


DECISION = ("2024/1", date(2024, 1, 15))


def publish_all_shareable() -> None:
    """Sample layers public unless sensitive/internal; persona tests narrow this per test."""
    from layers.models import PublicationState
    from layers.publication import publication_set
    from layers.registry import Access, all_layers

    for layer in all_layers():
        if layer.access != Access.INTERNAL and not layer.sensitive:
            publication_set(layer=layer, state=PublicationState.HERKESE_ACIK,
                            decision_number=DECISION[0], decision_date=DECISION[1])


@pytest.fixture
def admin_client_tr(db, client, django_user_model):
    """A logged-in superuser whose requests ask for Turkish."""
    user = django_user_model.objects.create_superuser("test-admin", "a@example.org", "x-pass-123")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "tr"
    return client


LIVE_ADMIN = ("live-admin", "live-admin-pass-123")


@pytest.fixture(scope="session")
def live_admin(django_db_setup, django_db_blocker):
    """A committed superuser, visible to the live server thread (tests' own rows are not)."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user, _created = get_user_model().objects.get_or_create(
            username=LIVE_ADMIN[0], defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password(LIVE_ADMIN[1])
        user.save()
    return LIVE_ADMIN


@pytest.fixture(scope="session")
def live_site(django_db_setup, django_db_blocker):
    """A live HTTP server over the test database, for external clients and the browser.

    pytest-django's own `live_server` forces `transactional_db`, whose flush would wipe the
    sample layers; this server only reads the committed samples, so tests keep `db`.
    """
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    with django_db_blocker.unblock():
        thread = LiveServerThread("localhost", _StaticFilesHandler, connections_override={}, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
    yield f"http://localhost:{thread.port}"
    with django_db_blocker.unblock():
        thread.terminate()


@pytest.fixture(autouse=True)
def _session_media(settings, monkeypatch, tmp_path_factory):
    """Files tests store (attachments, import uploads) go to this session's folder, not the site's
    var/media: rolled-back rows would leave them there. Set in the environment too, so the worker
    processes a test starts (import jobs) use the same storage."""
    media = tmp_path_factory.getbasetemp() / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("CBS_MEDIA_ROOT", str(media))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Only tests that log in through the form hash passwords; PBKDF2's cost buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def partner(db):
    """A partner institution with a current protocol for bi-bina and a valid token."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from cbs.partners.models import Kurum, Protokol
    from cbs.partners.tokens import token_create

    kurum = Kurum.objects.create(name="Test Kurumu")
    protokol = Protokol.objects.create(kurum=kurum, title="Bina", layers=["bi-bina"],
                                       valid_from=date(2024, 1, 1), valid_to=date(2099, 1, 1))
    token, value = token_create(kurum=kurum, name="test",
                                expires_at=timezone.now() + timedelta(days=30))
    return SimpleNamespace(kurum=kurum, protokol=protokol, token=token, value=value)


@pytest.fixture(scope="session")
def live_partner(django_db_setup, django_db_blocker):
    """A committed partner token (the live server cannot see a test's own rows)."""
    from datetime import timedelta

    from django.utils import timezone

    from cbs.partners.models import ApiToken, Kurum, Protokol
    from cbs.partners.tokens import token_create

    with django_db_blocker.unblock():
        kurum, _created = Kurum.objects.get_or_create(name="Canlı Test Kurumu")
        Protokol.objects.get_or_create(kurum=kurum, title="Tümü", defaults={
            "layers": ["bi-bina", "ad-numarataj"], "valid_from": date(2024, 1, 1),
            "valid_to": date(2099, 1, 1)})
        ApiToken.objects.filter(kurum=kurum).delete()
        _token, value = token_create(kurum=kurum, name="live", rate_limit_per_minute=1_000_000,
                                     expires_at=timezone.now() + timedelta(days=1))
    return value


def _live_user(django_db_blocker, username: str, role: str) -> tuple[str, str]:
    """A committed user holding a role (group), with a password for browser logins."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    password = f"{username}-pass-1"
    with django_db_blocker.unblock():
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.groups.add(Group.objects.get(name=role))
        user.set_password(password)
        user.save()
    return username, password


@pytest.fixture(scope="session")
def live_editor(django_db_setup, django_db_blocker):
    """A committed CBS editor (by role, not a superuser)."""
    return _live_user(django_db_blocker, "live-editor", "CBS editörü")


@pytest.fixture(scope="session")
def live_technician(django_db_setup, django_db_blocker):
    """A committed technician (assets and tickets by role)."""
    return _live_user(django_db_blocker, "live-technician", "Teknisyen")


@pytest.fixture(scope="session")
def live_helpdesk(django_db_setup, django_db_blocker):
    """A committed help-desk user (tickets by role)."""
    return _live_user(django_db_blocker, "live-helpdesk", "Yardım masası")


@pytest.fixture(scope="session")
def live_manager(django_db_setup, django_db_blocker):
    """A committed unit manager (reports by role)."""
    return _live_user(django_db_blocker, "live-manager", "Birim yöneticisi")


@pytest.fixture(scope="session")
def live_editor_token(live_editor, django_db_blocker):
    """A committed staff API token of a CBS editor, for writes against the live server."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cbs.partners.models import ApiToken
    from cbs.partners.tokens import token_create

    with django_db_blocker.unblock():
        user = get_user_model().objects.get(username=live_editor[0])
        ApiToken.objects.filter(user=user).delete()
        _token, value = token_create(owner=user, name="live", rate_limit_per_minute=1_000_000,
                                     expires_at=timezone.now() + timedelta(days=1))
    return value


@pytest.fixture
def editor_token(db):
    """A CBS editor (by role) and a staff API token of theirs."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cbs.partners.tokens import token_create
    from cbs.testing import make_user

    user = make_user()
    user.groups.add(Group.objects.get(name="CBS editörü"))
    _token, value = token_create(owner=user, name="t", expires_at=timezone.now() + timedelta(days=1))
    return SimpleNamespace(user=user, value=value, auth={"HTTP_AUTHORIZATION": f"Bearer {value}"})


class Hosts:
    """Several hosts of one site, simulated in this process: each host has its own local folders
    (import scratch, tile cache, catalogue files), MEDIA_ROOT (the shared storage) is common.
    Switching to a host removes every other host's folders: its disk is out of reach."""

    LOCAL = {"CBS_IMPORT_DIR": "imports", "CBS_TILE_CACHE_DIR": "cache/tiles", "CBS_CATALOGUE_DIR": "catalogue"}

    def __init__(self, settings, root):
        self.settings, self.root = settings, root
        self.shared = root / "shared"
        settings.MEDIA_ROOT = self.shared

    def local(self, name: str) -> dict:
        """The per-host settings of host `name` (also as environment variables for its processes)."""
        return {key: self.root / name / folder for key, folder in self.LOCAL.items()}

    def switch(self, name: str) -> None:
        for other in self.root.glob("host-*"):
            if other.name != name:
                import shutil

                shutil.rmtree(other)
        for key, value in self.local(name).items():
            setattr(self.settings, key, value)

    def local_files(self, name: str) -> list:
        return [p for p in (self.root / name).rglob("*") if p.is_file()]


@pytest.fixture
def hosts(settings, tmp_path, monkeypatch):
    hosts = Hosts(settings, tmp_path)
    monkeypatch.setenv("CBS_MEDIA_ROOT", str(hosts.shared))  # for worker processes started by tests
    return hosts


class QueueWorker:
    """A real `manage.py procrastinate worker` process on the test database (see `queue_worker`)."""

    def __init__(self, process, log_path, worker_id: int):
        self.process, self.log_path, self.worker_id = process, log_path, worker_id

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost host would: no clean-up of any kind."""
        import os
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 30) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def clear_queue() -> None:
    """Remove every job and worker row of the (test) queue: committed jobs left by a test would
    otherwise be run by the next test's worker."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs; DELETE FROM procrastinate_periodic_defers; "
                       "DELETE FROM procrastinate_workers")


def url_of_the_test_database() -> str:
    """The URL of the test database (for processes the tests start)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    return (f"postgres://{quote(db.get('USER') or '')}{':' + quote(db['PASSWORD']) if db.get('PASSWORD') else ''}"
            f"@{quote(db.get('HOST') or 'localhost', safe='')}"  # the host may be a socket folder
            f"{':' + str(db['PORT']) if db.get('PORT') else ''}/{quote(db['NAME'])}")


def start_worker(django_db_blocker, log_path, queues: str = "", **env) -> QueueWorker:
    """A real worker process (`manage.py procrastinate worker`) on the test database, once it has
    registered itself; its production connection pool (2 per job), 1 s heartbeat, 3 s stall
    timeout. It only sees committed rows."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from procrastinate.contrib.django.models import ProcrastinateWorker

    url = url_of_the_test_database()
    with django_db_blocker.unblock():
        known = set(ProcrastinateWorker.objects.values_list("pk", flat=True))
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "procrastinate", "worker", "--queues", queues],
            stdout=out, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR, start_new_session=True,
            env={**os.environ, "DATABASE_URL": url, "CBS_DB_POOL_MAX": "4", "CBS_WORKER_HEARTBEAT_SECONDS": "1",
                 "CBS_WORKER_STALLED_SECONDS": "3",
                 # a retry's time is found by polling (new jobs are announced by NOTIFY)
                 "PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL": "0.5",
                 **{k: str(v) for k, v in env.items()}})
    deadline = time.monotonic() + 90  # a few seconds, more on a busy machine
    while True:
        with django_db_blocker.unblock():
            new = set(ProcrastinateWorker.objects.values_list("pk", flat=True)) - known
        if new:
            return QueueWorker(process, log_path, new.pop())
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the worker did not start: " + log_path.read_text(errors="replace"))
        time.sleep(0.05)


@pytest.fixture
def queue_worker(django_db_setup, django_db_blocker, tmp_path, settings):
    """Starts real worker processes (see `start_worker`); this process, too, calls a worker stalled
    after 3 s. Stopped, and the queue emptied, at the end of the test."""
    started = []
    settings.CBS_WORKER_HEARTBEAT_SECONDS, settings.CBS_WORKER_STALLED_SECONDS = 1, 3

    def start(queues: str = "", **env) -> QueueWorker:
        worker = start_worker(django_db_blocker, tmp_path / f"worker-{len(started)}.log", queues, **env)
        started.append(worker)
        return worker

    with django_db_blocker.unblock():
        clear_queue()
    yield start
    for worker in started:
        worker.stop()
    with django_db_blocker.unblock():
        clear_queue()
