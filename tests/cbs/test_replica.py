"""The read replica (issue 16.4) against a real streaming hot standby of the private cluster.

`scripts/pg.sh replica-start` makes it with pg_basebackup -R (var/pg-replica, its own port) once
the test database holds the committed samples; the replica gets the test database by streaming.
Requests here run outside a test transaction (a replica only sees committed rows): what they
write is committed and removed at the end. Which server answered is shown twice: every statement
is recorded with the alias of the connection that ran it, and that alias's server is shown to be
the standby (pg_is_in_recovery, its port setting); with replay paused, answers that need the
newest data come from the primary and the replica's stale answer is served where lag is allowed.
"""

from __future__ import annotations

import glob
import json
import math
import statistics
import subprocess
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client, RequestFactory

from cbs import db as cbs_db
from cbs.db import DEFAULT, REPLICA, STICKY_COOKIE, read_alias

PG = str(settings.BASE_DIR / "scripts" / "pg.sh")
LAYER = "kh-hizmet"
POINT = (28.905, 41.0)  # lon/lat inside the sample district
NAME = "Replika testi sağlık ocağı"
ITEMS_SQL = "WITH _rows AS MATERIALIZED"  # the provider's one statement (ogc/provider.py)
TILE_SQL = "ST_AsMVT("
REPORT_SQL = "FILTER (WHERE operation = 'delete')"  # the dashboard's layer edits (reports/selectors.py)
STATE_SQL = "FROM layers_layerpublication"  # the gate (primary) and the fence (replica)


def tile_of(lon: float, lat: float, z: int) -> str:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/ogc/collections/{LAYER}/tiles/WebMercatorQuad/{z}/{y}/{x}"


TILE = tile_of(*POINT, 13)


def pg(*args: str) -> str:
    result = subprocess.run([PG, *args], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"scripts/pg.sh {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout.strip()


@dataclass(frozen=True)
class Replica:
    url: str
    port: int


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """A hot standby of the private cluster, streaming the committed test database."""
    assert glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"), ("pg_basebackup is missing (Debian package postgresql-15): no streaming replica "
                    "can be made")
    primary = connections[DEFAULT].settings_dict
    import dj_database_url

    private = dj_database_url.parse(pg("url"))  # the host may be the socket folder
    assert (primary["HOST"], str(primary["PORT"])) == (private["HOST"], str(private["PORT"])), ("DATABASE_URL is not the private cluster: the test replica is made from the "
                    "private cluster (scripts/pg.sh replica-start)")
    # Rows are committed here: never anywhere but the test database (tests/conftest.py).
    assert primary["NAME"] == primary["TEST"].get("NAME") or primary["NAME"].startswith("test_")
    pg("replica-start")
    url = pg("replica-url", primary["NAME"])
    yield Replica(url=url, port=urlsplit(url).port)
    pg("replica-stop")  # nothing keeps running after the tests (its data stays for the next run)


def _enable(url: str, settings) -> None:
    """What DATABASE_REPLICA_URL does in cbs/settings.py, for this test only."""
    entry = cbs_db.replica_settings(url, connections.settings[DEFAULT])
    connections.settings[REPLICA] = connections.configure_settings(
        {**connections.settings, REPLICA: entry})[REPLICA]
    settings.DATABASE_ROUTERS = ["cbs.db.ReplicaRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "cbs.db.RecentWriteMiddleware"]
    cbs_db._replica_down_until = 0.0


def _disable() -> None:
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        try:
            del connections[REPLICA]
        except AttributeError:
            pass
        del connections.settings[REPLICA]
    cbs_db._replica_down_until = 0.0


@pytest.fixture
def replica(streaming_replica, settings, django_db_blocker):
    """The replica configured as with DATABASE_REPLICA_URL; database access unblocked (committed)."""
    _enable(streaming_replica.url, settings)
    with django_db_blocker.unblock():
        try:
            yield streaming_replica
        finally:
            _disable()


@contextmanager
def recorded():
    """Every statement run meanwhile, with the alias of the connection that ran it."""
    seen: list[tuple[str, str]] = []

    def recorder(alias):
        def wrapper(execute, sql, params, many, context):
            seen.append((alias, sql))
            return execute(sql, params, many, context)
        return wrapper

    with ExitStack() as stack:
        for alias in connections.settings:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


def ran_on(seen, fragment: str) -> set[str]:
    return {alias for alias, sql in seen if fragment in sql}


def superuser(name: str):
    user, _created = get_user_model().objects.get_or_create(
        username=name, defaults={"is_staff": True, "is_superuser": True})
    return user


def browser_of(user) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="tr")
    browser.force_login(user)
    return browser


def my_edits(browser: Client, who: str) -> int:
    """Features `who` created this week, as the dashboard shows them."""
    page = browser.get("/reports/").content.decode()
    assert "dashboard-data" in page
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    return sum(row["created"] for row in data["edits"] if row["who"] == who and row["layer"])


def wait_for_replay(timeout: float = 30.0) -> float:
    """Seconds until the replica has replayed everything the primary has written so far."""
    with connections[DEFAULT].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    start = time.perf_counter()
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return time.perf_counter() - start
            assert time.perf_counter() - start < timeout, "the replica did not catch up"
            time.sleep(0.001)


class StreamingReplicaTests:
    def test_the_replica_is_a_read_only_standby_of_the_test_database(self, replica):
        """The "replica" alias reaches the hot standby (in recovery, its own port), read-only."""
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')::int, current_database(), "
                           "current_setting('default_transaction_read_only')")
            assert cursor.fetchone() == (True, replica.port, connections[DEFAULT].settings_dict["NAME"], "on")
        with connections[DEFAULT].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')::int")
            in_recovery, port = cursor.fetchone()
        assert not in_recovery and port != replica.port

    def test_ogc_reads_tiles_and_reports_are_answered_by_the_replica(self, replica):
        """Catalogue, collection extents, items, one item (and its ETag), hits, a tile and the
        dashboard's queries run on the replica; the gate's publication state, the session and the
        access log stay on the primary."""
        from ogc import tile_store
        from ogc.config import clear_caches

        wait_for_replay()
        tile_store.clear()
        clear_caches()  # the configuration and catalogue are built again, from the replica
        browser = browser_of(superuser("replica-reader"))
        with recorded() as seen:
            catalogue = browser.get("/ogc/collections/katalog/items?q=bina&f=json")
            assert catalogue.status_code == 200 and catalogue.json()["features"]
            assert browser.get(f"/ogc/collections/{LAYER}/queryables?f=json").status_code == 200
            items = browser.get(f"/ogc/collections/{LAYER}/items?limit=5&f=json")
            assert items.status_code == 200, items.content
            first = items.json()["features"][0]["id"]
            item = browser.get(f"/ogc/collections/{LAYER}/items/{first}?f=json")
            assert item.status_code == 200 and item["ETag"]
            tile = browser.get(TILE)
            assert tile.status_code == 200 and tile.content
            assert browser.get("/reports/").status_code == 200
            hits = browser.get(f"/ogc/collections/{LAYER}/items?resulttype=hits&f=json")
            assert hits.status_code == 200 and hits.json()["numberMatched"] > 0
        from layers.registry import get_layer

        table = get_layer(LAYER).meta().db_table
        assert ran_on(seen, ITEMS_SQL) == {REPLICA}
        assert ran_on(seen, TILE_SQL) == {REPLICA}
        assert ran_on(seen, REPORT_SQL) == {REPLICA}
        assert ran_on(seen, f'COUNT(*) AS "__count" FROM "{table}"') == {REPLICA}  # hits: the router
        assert ran_on(seen, f'FROM "{table}" WHERE') == {REPLICA}  # the item's ETag: the router
        assert ran_on(seen, "ST_Extent(") == {REPLICA}  # collection extents (the configuration)
        assert ran_on(seen, 'FROM "layers_layermetadata"') == {REPLICA}  # the catalogue's records
        assert ran_on(seen, STATE_SQL) == {DEFAULT, REPLICA}  # the gate; the fence
        assert ran_on(seen, "django_session") == {DEFAULT}
        assert ran_on(seen, "INSERT") == {DEFAULT}  # the access log
        assert ran_on(seen, 'FROM "auth_user"') == {DEFAULT}

    def test_a_session_reads_its_own_write_and_a_lagging_replica_never_serves_stale_layers(
            self, replica, monkeypatch, capsys):
        """Replay paused: the writing browser reads the primary for the sticky window (items,
        tile, report); another browser gets the replica's stale report (lag is allowed there) but
        the primary's items and tile (the generation fence); a withdrawn layer is 404 at once."""
        from layers.models import PublicationState
        from layers.publication import publication_set
        from layers.registry import get_layer
        from layers.services import feature_delete
        from ogc import tile_store
        from tests.conftest import DECISION

        layer = get_layer(LAYER)
        writer_user, other_user = superuser("replica-writer"), superuser("replica-other")
        writer, other, anonymous = browser_of(writer_user), browser_of(other_user), Client()
        wait_for_replay()
        before = my_edits(other, "replica-writer")
        created = None
        pg("replica-pause")
        try:
            self._paused(layer, writer, other, anonymous, before)
            created = layer.model.objects.get(adi=NAME).tucbs_no
        finally:
            pg("replica-resume")
            instance = layer.model.objects.filter(adi__startswith=NAME).first()
            if created is None and instance is not None:  # failed half-way: remove what it made
                feature_delete(layer=layer, instance=instance)
            publication_set(layer=layer, state=PublicationState.HERKESE_ACIK,
                            decision_number=DECISION[0], decision_date=DECISION[1])
            tile_store.clear()
        try:
            self._caught_up(layer, writer, created, before, monkeypatch, capsys)
        finally:
            feature_delete(layer=layer, instance=layer.model.objects.get(tucbs_no=created))
            tile_store.clear()

    def _paused(self, layer, writer, other, anonymous, before):
        from layers.models import PublicationState
        from layers.publication import publication_set
        from ogc import tile_store
        from tests.conftest import DECISION

        response = writer.post(f"/ogc/collections/{LAYER}/items", content_type="application/geo+json",
                               data=json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": POINT},
                                                "properties": {"adi": NAME, "hizmetTipi": "saglik"}}))
        assert response.status_code == 201, response.content
        created = response.json()["id"]
        assert STICKY_COOKIE in writer.cookies and writer.cookies[STICKY_COOKIE]["httponly"]
        tile_store.clear()

        # The writer, within the window: everything from the primary, the replica not asked.
        with recorded() as seen:
            assert writer.get(f"/ogc/collections/{LAYER}/items/{created}?f=json").status_code == 200
            assert NAME.encode() in writer.get(TILE).content
            assert my_edits(writer, "replica-writer") == before + 1
        assert ran_on(seen, ITEMS_SQL) == ran_on(seen, TILE_SQL) == ran_on(seen, REPORT_SQL) == {DEFAULT}
        assert REPLICA not in {alias for alias, _sql in seen}  # not even asked

        # Another browser: the report is the replica's, a moment old (the edit is not there)...
        tile_store.clear()
        with recorded() as seen:
            assert my_edits(other, "replica-writer") == before
            # ...but the layer's generation moved on the primary: items and tile come from there.
            assert other.get(f"/ogc/collections/{LAYER}/items/{created}?f=json").status_code == 200
            assert anonymous.get(f"/ogc/collections/{LAYER}/items/{created}?f=json").status_code == 200
            assert NAME.encode() in anonymous.get(TILE).content
        assert ran_on(seen, REPORT_SQL) == {REPLICA}
        assert ran_on(seen, ITEMS_SQL) == ran_on(seen, TILE_SQL) == {DEFAULT}
        assert REPLICA in ran_on(seen, STATE_SQL)  # the fence asked the replica, and said no
        assert STICKY_COOKIE not in other.cookies

        # Withdrawn on the primary: 404 at once, though the replica still has it published.
        # Republished: served, still from the primary (the replica lacks the new generation).
        publication_set(layer=layer, state=PublicationState.TASLAK)
        assert anonymous.get(f"/ogc/collections/{LAYER}/items?limit=1").status_code == 404
        assert anonymous.get(TILE).status_code == 404
        publication_set(layer=layer, state=PublicationState.HERKESE_ACIK,
                        decision_number=DECISION[0], decision_date=DECISION[1])
        with recorded() as seen:
            assert anonymous.get(f"/ogc/collections/{LAYER}/items/{created}?f=json").status_code == 200
        assert ran_on(seen, ITEMS_SQL) == {DEFAULT}

    def _caught_up(self, layer, writer, created, before, monkeypatch, capsys):
        from layers.services import feature_update
        from ogc import tile_store

        # Lag of a committed edit: from its commit on the primary until the replica replayed it.
        wait_for_replay()
        instance = layer.model.objects.get(tucbs_no=created)
        lags = []
        for i in range(10):
            instance = feature_update(layer=layer, instance=instance, properties={"adi": f"{NAME} {i}"})
            lags.append(wait_for_replay() * 1000)
        with capsys.disabled():
            print(f"\nreplica lag after a commit (ms, 10 edits): median {statistics.median(lags):.1f}, "
                  f"max {max(lags):.1f}")
        assert max(lags) < 5000

        # After the window the writer reads the replica again (it has the edit now).
        monkeypatch.setattr(cbs_db, "_now", lambda: time.time() + settings.CBS_REPLICA_STICKY_SECONDS + 1)
        tile_store.clear()
        with recorded() as seen:
            body = writer.get(f"/ogc/collections/{LAYER}/items/{created}?f=json")
            assert body.status_code == 200 and body.json()["properties"]["adi"] == f"{NAME} 9"
            assert my_edits(writer, "replica-writer") == before + 1
        assert ran_on(seen, ITEMS_SQL) == ran_on(seen, REPORT_SQL) == {REPLICA}

    def test_an_unreachable_replica_sends_reads_to_the_primary(self, replica, settings, caplog):
        """A replica that does not answer costs one failed connection, not a 500."""
        _disable()
        _enable("postgres://kentcbs@127.0.0.1:9/nowhere", settings)  # discard port: refused
        with recorded() as seen:
            assert Client().get(f"/ogc/collections/{LAYER}/items?limit=2&f=json").status_code == 200
            assert Client().get(f"/ogc/collections/{LAYER}/items?limit=2&f=json").status_code == 200
        assert ran_on(seen, ITEMS_SQL) == {DEFAULT}
        assert "read replica unavailable" in caplog.text
        assert cbs_db._replica_down_until > time.monotonic()


class WithoutReplicaTests:
    def test_everything_reads_the_primary(self, client, db, django_user_model):
        """No DATABASE_REPLICA_URL (as in `make test`): no alias, router or middleware; every
        statement on "default"; a write sets no cookie."""
        assert REPLICA not in connections.settings and REPLICA not in settings.DATABASES
        assert settings.DATABASE_ROUTERS == []
        assert "cbs.db.RecentWriteMiddleware" not in settings.MIDDLEWARE
        client.force_login(django_user_model.objects.create_superuser("no-replica", "n@example.org", "x"))
        with recorded() as seen:
            assert client.get(f"/ogc/collections/{LAYER}/items?limit=2&f=json").status_code == 200
            assert client.get(TILE).status_code == 200
            assert client.get("/reports/").status_code == 200
            response = client.post(f"/ogc/collections/{LAYER}/items", content_type="application/geo+json",
                                   data=json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": POINT},
                                                    "properties": {"adi": NAME, "hizmetTipi": "saglik"}}))
            assert response.status_code == 201, response.content
        assert {alias for alias, _sql in seen} == {DEFAULT}
        assert STICKY_COOKIE not in response.cookies
        assert read_alias(RequestFactory().get("/")) == DEFAULT


class StickyCookieTests:
    def test_only_a_signed_recent_write_keeps_a_browser_on_the_primary(self, settings):
        """The cookie is signed: a browser cannot pin itself to the primary with a forged one."""
        from django.http import HttpResponse

        settings.CBS_REPLICA_STICKY_SECONDS = 5
        response = cbs_db.RecentWriteMiddleware(lambda r: HttpResponse())(RequestFactory().post("/"))
        signed = response.cookies[STICKY_COOKIE].value
        assert response.cookies[STICKY_COOKIE]["max-age"] == 6
        request = RequestFactory().get("/", HTTP_COOKIE=f"{STICKY_COOKIE}={signed}")
        assert cbs_db.recent_write(request)
        forged = RequestFactory().get("/", HTTP_COOKIE=f"{STICKY_COOKIE}={time.time() + 99}")
        assert not cbs_db.recent_write(forged)
        assert not cbs_db.RecentWriteMiddleware(lambda r: HttpResponse())(RequestFactory().get("/")).cookies


def test_replica_settings_from_the_environment():
    """DATABASE_REPLICA_URL adds a read-only "replica" alias (no test MIRROR), the router and the
    middleware; a bad URL stops start-up."""
    from tests.cbs.test_settings import run_manage

    code = ("import json; from django.conf import settings as s; r = s.DATABASES['replica']; "
            "print(json.dumps([r['OPTIONS'], r['CONN_MAX_AGE'], r.get('TEST', {}), r['ENGINE'], "
            "s.DATABASE_ROUTERS, s.MIDDLEWARE[-1], s.CBS_REPLICA_STICKY_SECONDS, "
            "s.DATABASES['default']['CONN_MAX_AGE']]))")
    result = run_manage("shell", "-c", code, DJANGO_DEBUG="1", DATABASE_URL=pg("url"),
                        DATABASE_REPLICA_URL="postgres://kentcbs@replica.example:5432/kentcbs",
                        CBS_REPLICA_STICKY_SECONDS="3")
    assert result.returncode == 0, result.stderr
    options, max_age, test, engine, routers, middleware, sticky, primary_max_age = json.loads(
        result.stdout.strip().splitlines()[-1])
    assert "-c default_transaction_read_only=on" in options["options"]
    # the primary's connection lifetime (0 with the connection pool, which holds them instead)
    assert options["connect_timeout"] == 2 and max_age == primary_max_age and test.get("MIRROR") is None
    assert engine == "django.contrib.gis.db.backends.postgis"
    assert routers == ["cbs.db.ReplicaRouter"] and middleware == "cbs.db.RecentWriteMiddleware"
    assert sticky == 3
    bad = run_manage("check", DJANGO_DEBUG="1", DATABASE_URL=pg("url"), DATABASE_REPLICA_URL="ftp://x")
    assert "DATABASE_REPLICA_URL is not a PostgreSQL URL" in bad.stderr
