"""An uncached vector tile and its access record are one statement (ogc.tiles.render_and_record):
the same bytes as render_tile(), the same record the access-log middleware writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cbs.audit.models import AccessRecord
from layers.registry import get_layer
from ogc import tile_store
from ogc.tiles import render_tile

Z, X, Y = 14, 9507, 6142
TILE = f"/ogc/collections/bi-bina/tiles/WebMercatorQuad/{Z}/{Y}/{X}"


@pytest.fixture(autouse=True)
def _empty_tile_cache(settings, tmp_path):
    settings.CBS_TILE_CACHE_DIR = tmp_path
    tile_store.clear()
    yield
    tile_store.clear()


def test_uncached_tile_and_its_record_in_one_statement(client, db):
    AccessRecord.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(TILE)
    assert response.status_code == 200
    assert response.content == render_tile(get_layer("bi-bina"), Z, X, Y)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2, statements  # the gate's state, then the tile with its record
    record = AccessRecord.objects.get()
    assert (record.method, record.path, record.status) == ("GET", TILE, 200)
    assert record.bytes == len(response.content) > 1000
    assert record.request_id == response["X-Request-ID"] and record.seq is None


def test_cached_tile_recorded_by_the_middleware(client, db):
    client.get(TILE)
    AccessRecord.objects.all().delete()
    response = client.get(TILE)
    record = AccessRecord.objects.get()
    assert (record.status, record.bytes) == (200, len(response.content))


def test_empty_tile_recorded_as_204(client, db):
    AccessRecord.objects.all().delete()
    path = "/ogc/collections/bi-bina/tiles/WebMercatorQuad/14/6100/9400"
    response = client.get(path)
    assert response.status_code == 204
    record = AccessRecord.objects.get()
    assert (record.status, record.bytes, record.path) == (204, 0, path)


def test_staff_tile_names_the_user(admin_client_tr):
    AccessRecord.objects.all().delete()
    response = admin_client_tr.get(TILE.replace("bi-bina", "tk-parsel"))
    assert response.status_code == 200
    record = AccessRecord.objects.get()
    assert record.user and record.bytes == len(response.content)
