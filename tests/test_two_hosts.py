"""Several hosts are one site (issue 16): two app server processes (gunicorn) on one database,
each with its own local folders (tile cache, catalogue files), agree on every committed change on
their next request – whether it was made through one of them or by another process (a
management command, the worker: here the test process itself).

The servers only see committed rows, so this module commits its changes and puts everything
back afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.conftest import DECISION, url_of_the_test_database

LAYER = "kh-hizmet"
TILE = "/ogc/collections/kh-hizmet/tiles/WebMercatorQuad/{z}/{y}/{x}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]




class Host:
    def __init__(self, name: str, root: Path, shared: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        local = root / name
        env = {
            **os.environ, "DATABASE_URL": url_of_the_test_database(), "DJANGO_SECRET_KEY": "two-hosts-test",
            "DJANGO_DEBUG": "0", "CBS_SSL_REDIRECT": "0", "CBS_SECURE_COOKIES": "0",
            "CBS_TILE_CACHE_DIR": str(local / "tiles"), "CBS_CATALOGUE_DIR": str(local / "catalogue"),
            "CBS_IMPORT_DIR": str(local / "imports"), "CBS_MEDIA_ROOT": str(shared / "media"),
        }
        self.log = open(root / f"{name}.log", "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cbs.wsgi:application", "-b", f"127.0.0.1:{self.port}",
             "-w", "1", "--threads", "2", "--timeout", "60", "--no-control-socket"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url + "/ogc/conformance", timeout=30).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"host on {self.port} did not start: {self.log.name}")

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


@pytest.fixture(scope="module")
def hosts(django_db_setup, tmp_path_factory):
    root = tmp_path_factory.mktemp("hosts")
    shared = root / "shared"
    pair = [Host("host1", root, shared), Host("host2", root, shared)]
    try:
        for host in pair:
            host.wait()
        yield pair
    finally:
        for host in pair:
            host.stop()


@pytest.fixture
def committed(django_db_blocker):
    """Writes of this test commit (the servers are other processes); undo them afterwards."""
    from layers.models import LayerPublication

    with django_db_blocker.unblock():
        state = LayerPublication.objects.get(layer=LAYER).state
        yield
        _publish(state)


def _publish(state: str) -> None:
    from layers.publication import publication_set
    from layers.registry import get_layer

    publication_set(layer=get_layer(LAYER), state=state, decision_number=DECISION[0],
                    decision_date=DECISION[1])


def _feature():
    from layers.registry import get_layer

    return get_layer(LAYER).model.objects.order_by("-tucbs_no").first()


def _tile_of(feature) -> str:
    """The z15 tile holding the feature."""
    import math

    point = feature.geom.transform(4326, clone=True)
    n = 2 ** 15
    x = int((point.x + 180) / 360 * n)
    lat = math.radians(point.y)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    return TILE.format(z=15, x=x, y=y)


def _statuses(hosts, path: str) -> list[int]:
    return [host.get(path).status_code for host in hosts]


def test_both_hosts_serve_the_test_database(db, hosts):
    """(Also what makes pytest-django set up the test database for this module.)"""
    from layers.registry import get_layer

    count = get_layer(LAYER).model.objects.count()
    for host in hosts:
        body = host.get(f"/ogc/collections/{LAYER}/items?limit=1000").json()
        assert body["numberReturned"] == count


def test_publication_changes_reach_every_host_at_once(hosts, committed):
    """Withdrawn by another process: every host answers 404 on its next request on every route;
    republished: every host serves it again."""
    from layers.models import PublicationState

    feature = _feature()
    routes = [f"/ogc/collections/{LAYER}", f"/ogc/collections/{LAYER}/items?limit=1",
              f"/ogc/collections/{LAYER}/items/{feature.tucbs_no}", _tile_of(feature),
              f"/map/metadata/{LAYER}.xml", f"/map/export/?layer={LAYER}&format=geojson"]
    for route in routes:  # warm every per-process cache on both hosts
        assert _statuses(hosts, route) == [200, 200], route
    assert all(LAYER in h.get("/ogc/collections/katalog/items?limit=50").text for h in hosts)

    _publish(PublicationState.TASLAK)
    for route in routes:
        assert set(_statuses(hosts, route)) <= {403, 404}, route
    for host in hosts:
        ids = [r["id"] for r in host.get("/ogc/collections/katalog/items?limit=50").json()["features"]]
        assert LAYER not in ids

    _publish(PublicationState.HERKESE_ACIK)
    for route in routes:
        assert _statuses(hosts, route) == [200, 200], route


def test_an_edit_through_one_host_shows_on_the_other(hosts, committed):
    """Items, tiles and their ETags of host 2 follow an edit made through host 1's API."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cbs.accounts.models import Grant
    from cbs.partners.tokens import token_create, token_revoke

    feature = _feature()
    tile = _tile_of(feature)
    tags = [h.get(tile).headers["ETag"] for h in hosts]
    # committed: a name of its own (make_user's numbering restarts in every test session)
    user, _new = get_user_model().objects.get_or_create(username="two-hosts-editor",
                                                        defaults={"is_staff": True})
    Grant.objects.get_or_create(user=user, resource="layer:kh-hizmet", level="edit")
    token, value = token_create(owner=user, name="two-hosts",
                                expires_at=timezone.now() + timezone.timedelta(hours=1))
    item = f"/ogc/collections/{LAYER}/items/{feature.tucbs_no}"
    before = hosts[0].get(item)
    original = before.json()["properties"]["adi"]
    try:
        response = requests.patch(
            hosts[0].url + item, data=json.dumps({"type": "Feature", "properties": {"adi": "İki sunucu testi"}}),
            headers={"Authorization": f"Bearer {value}", "If-Match": before.headers["ETag"],
                     "Content-Type": "application/geo+json"}, timeout=30)
        assert response.status_code in (200, 204), response.text
        assert hosts[1].get(item).json()["properties"]["adi"] == "İki sunucu testi"
        new_tags = [h.get(tile).headers["ETag"] for h in hosts]
        assert new_tags[0] == new_tags[1] and new_tags[0] not in tags
    finally:
        current = hosts[1].get(item)
        requests.patch(hosts[1].url + item, data=json.dumps({"type": "Feature", "properties": {"adi": original}}),
                       headers={"Authorization": f"Bearer {value}", "If-Match": current.headers["ETag"],
                                "Content-Type": "application/geo+json"}, timeout=30)
        token_revoke(token=token)


def test_metadata_change_by_another_process_reaches_every_host(hosts, committed):
    """Metadata saved elsewhere: both hosts' ISO XML and catalogue say so on their next request."""
    from layers.metadata import effective_metadata, metadata_form, metadata_update
    from layers.models import LayerMetadata
    from layers.registry import get_layer

    layer = get_layer(LAYER)
    for host in hosts:  # warm both hosts' configuration and catalogue
        host.get(f"/ogc/collections/katalog/items?q=Kamu&limit=50")
    row = LayerMetadata.objects.filter(layer=LAYER).first()
    form = metadata_form()(instance=row or LayerMetadata(layer=LAYER))
    data = {name: (form.initial.get(name) if form.initial.get(name) is not None else "")
            for name in form.fields}
    marker = f"ikisunucu{int(time.time())}"
    try:
        metadata_update(layer=layer, user=None, data={**data, "abstract": f"Özet {marker}"})
        for host in hosts:
            assert marker in host.get(f"/map/metadata/{LAYER}.xml").text
            found = host.get(f"/ogc/collections/katalog/items?q={marker}").json()["features"]
            assert [r["id"] for r in found] == [LAYER]
    finally:
        if row is None:
            LayerMetadata.objects.filter(layer=LAYER).delete()
        else:
            metadata_update(layer=layer, user=None, data=data)
        assert effective_metadata(layer) is not None
