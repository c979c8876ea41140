"""The items fast path (ogc/fast_items.py) answers exactly as the generic path through pygeoapi
would, in one statement, and writes the same access record."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cbs.audit.models import AccessRecord
from layers.models import PublicationState
from ogc import fast_items

CRS = "http://www.opengis.net/def/crs/EPSG/0/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
STAMP = re.compile(rb'"timeStamp":"[^"]*"')

# Plain reads the fast path takes: bboxes in every offered CRS and axis order, paging at the
# edges (a full page has a next link, offset > 0 a prev link), nothing found, outside the
# storage CRS, every output CRS, f=json or no f, parameter orders and encodings.
PLAIN = [
    {},
    {"f": "json"},
    {"bbox": "28.9,41.0,28.902,41.001", "f": "json"},
    {"bbox": "28.9,41.0,28.902,41.001"},
    {"bbox": "28.895,40.99,28.91,41.005", "limit": "10000", "f": "json"},
    {"bbox": "28.895,40.99,28.91,41.005", "limit": "7", "offset": "3"},
    {"limit": "5", "offset": "0", "f": "json"},
    {"offset": "25", "limit": "10"},
    {"offset": "2", "limit": "10", "f": "json"},
    {"offset": "999999", "f": "json"},
    {"limit": "3", "crs": f"{CRS}4326"},
    {"limit": "3", "crs": f"{CRS}5254", "f": "json"},
    {"limit": "3", "crs": f"{CRS}5252"},
    {"limit": "3", "crs": f"{CRS}3857", "offset": "4"},
    {"limit": "3", "crs": CRS84},
    {"bbox": "40.99,28.895,41.005,28.91", "bbox-crs": f"{CRS}4326", "limit": "20"},
    {"bbox": "4540000,407000,4541000,408000", "bbox-crs": f"{CRS}5254", "f": "json"},
    {"bbox": "3216000,5011000,3218000,5013000", "bbox-crs": f"{CRS}3857", "crs": f"{CRS}3857"},
    {"bbox": "28.895,40.99,0,28.91,41.005,100", "limit": "4"},
    {"bbox": "-170,-80,-160,-70"},  # outside the storage CRS: nothing
    {"bbox": "0,0,179,89", "limit": "2", "f": "json"},  # clipped to the storage CRS
    {"bbox": "28.9,41.0,28.902,41.001", "crs": f"{CRS}4326", "bbox-crs": CRS84, "limit": "2"},
]
# The fast path takes filtered (bbox) requests only: their numberMatched is always exact (the page
# proves it or one count in the same statement); unfiltered ones depend on the table's size.
FILTERED = [q for q in PLAIN if "bbox" in q and q["bbox"] != "-170,-80,-160,-70"]
LAYERS = ["bi-bina", "ad-numarataj", "kh-hizmet"]


def _get(client, path, query, **headers):
    return client.get(path, query, **headers)


def _both(client, monkeypatch, path, query, **headers):
    """(fast response, generic response) for the same request."""
    fast = _get(client, path, query, **headers)
    with monkeypatch.context() as m:
        m.setattr(fast_items, "applies", lambda request: False)
        generic = _get(client, path, query, **headers)
    return fast, generic


def _comparable_headers(response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.items() if k != "X-Request-ID"]


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("query", FILTERED, ids=[str(i) for i in range(len(FILTERED))])
def test_fast_path_equals_generic_path(client, db, monkeypatch, layer, query):
    path = f"/ogc/collections/{layer}/items"
    calls = []
    real = fast_items._run

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(fast_items, "_run", counted)
    fast, generic = _both(client, monkeypatch, path, query)
    assert calls == [1], "the fast path did not answer"
    assert fast.status_code == generic.status_code == 200
    assert _comparable_headers(fast) == _comparable_headers(generic)
    assert STAMP.sub(b"", fast.content) == STAMP.sub(b"", generic.content)
    # Only the time differs, not its form (pygeoapi's %Y-%m-%dT%H:%M:%S.%fZ, in UTC).
    stamps = [STAMP.search(r.content).group() for r in (fast, generic)]
    assert [re.sub(rb"\d", b"0", stamp) for stamp in stamps] == [b'"timeStamp":"0000-00-00T00:00:00.000000Z"'] * 2


@pytest.mark.parametrize("language", ["en", "tr"])
def test_same_in_each_language(client, db, monkeypatch, language):
    """Titles and Content-Language follow the site's language choice, as on the generic path."""
    fast, generic = _both(client, monkeypatch, "/ogc/collections/bi-bina/items",
                          {"limit": "2", "bbox": "28.895,40.99,28.91,41.005"}, HTTP_ACCEPT_LANGUAGE=language)
    assert fast["Content-Language"] == generic["Content-Language"] == language
    assert STAMP.sub(b"", fast.content) == STAMP.sub(b"", generic.content)


def test_one_statement_and_the_same_access_record(client, db):
    """One round trip; the access record it writes is the one the middleware would write."""
    AccessRecord.objects.all().delete()
    query = {"bbox": "28.895,40.99,28.91,41.005", "limit": "10", "f": "json"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ogc/collections/bi-bina/items", query)
    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 1, statements
    record = AccessRecord.objects.get()
    assert (record.method, record.status, record.user, record.institution) == ("GET", 200, "", "")
    assert record.bytes == len(response.content)
    assert record.path == "/ogc/collections/bi-bina/items?bbox=28.895%2C40.99%2C28.91%2C41.005&limit=10&f=json"
    assert record.request_id == response["X-Request-ID"] and record.seq is None


@pytest.mark.parametrize("language", ["tr", "en"])
@pytest.mark.parametrize("query", FILTERED, ids=[str(i) for i in range(len(FILTERED))])
def test_access_record_size_is_the_response_size(client, db, query, language):
    """Counted in SQL from the cached envelope's size (Page.sizes): in both languages (Turkish
    titles are not ASCII), with and without a next link, on later pages."""
    AccessRecord.objects.all().delete()
    response = client.get("/ogc/collections/ad-numarataj/items", query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Language"] == language
    assert AccessRecord.objects.get().bytes == len(response.content)


def _withdraw(layer: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE layers_layerpublication SET state = %s WHERE layer = %s",
                       [PublicationState.ONAYLI, layer])


def test_withdrawn_layer_is_not_served(client, db):
    """The state is read in the same statement: a layer that is not public answers 404 (from the
    generic path), with one access record."""
    AccessRecord.objects.all().delete()
    _withdraw("bi-bina")
    response = client.get("/ogc/collections/bi-bina/items", {"f": "json", "bbox": "28.9,41.0,28.902,41.001"})
    assert response.status_code == 404
    assert list(AccessRecord.objects.values_list("status", flat=True)) == [404]


@pytest.mark.parametrize("query,headers", [
    ({"filter": "zeminUstuKatSayisi=5"}, {}),
    ({"f": "html"}, {}),
    ({"f": "csv", "limit": "2"}, {}),
    ({"limit": "2"}, {"HTTP_ACCEPT": "text/html"}),
    ({"limit": "2", "lang": "en"}, {}),
    ({"limit": "2", "sortby": "-zeminUstuKatSayisi"}, {}),
    ({"limit": "2", "zeminUstuKatSayisi": "5"}, {}),
    ({"limit": "2"}, {"HTTP_AUTHORIZATION": "Bearer nope"}),
    ({"limit": "x"}, {}),
    ({"bbox": "1,2,3"}, {}),
    ({"limit": "2", "offset": "99999999999"}, {}),
    ({"limit": "2"}, {}),  # unfiltered: numberMatched needs the table's size (ogc.matched)
    ({"bbox": "-170,-80,-160,-70"}, {}),  # outside the storage CRS: the provider answers
])
def test_other_requests_take_the_generic_path(client, db, monkeypatch, query, headers):
    calls = []
    monkeypatch.setattr(fast_items, "_run", lambda *a, **k: calls.append(1))
    response = client.get("/ogc/collections/bi-bina/items", query, **headers)
    assert calls == []
    assert response.status_code in (200, 400, 401)


def test_staff_session_takes_the_generic_path(admin_client_tr, monkeypatch):
    calls = []
    monkeypatch.setattr(fast_items, "_run", lambda *a, **k: calls.append(1))
    assert admin_client_tr.get("/ogc/collections/bi-bina/items", {"limit": "2"}).status_code == 200
    assert calls == []


@pytest.mark.parametrize("limit", ["010", "1_0", " 10", "+5", "10.0", "true", "٣", "0", "5"])
def test_limit_forms_answer_as_the_generic_path(client, db, monkeypatch, limit):
    """Forms of limit that pygeoapi reads its own way ("010" is text to it, "+5" is 5) are left to
    the generic path: the same answer, never a 500 (the fast path once raised on "010")."""
    fast, generic = _both(client, monkeypatch, "/ogc/collections/bi-bina/items",
                          {"bbox": "28.895,40.99,28.91,41.005", "limit": limit, "f": "json"})
    assert fast.status_code == generic.status_code < 500
    assert STAMP.sub(b"", fast.content) == STAMP.sub(b"", generic.content)


@pytest.mark.parametrize("param", ["crs", "bbox-crs"])
@pytest.mark.parametrize("uri", [f"{CRS}04326", f"{CRS}4326", f"{CRS}0", CRS84])
def test_crs_forms_answer_as_the_generic_path(client, db, monkeypatch, param, uri):
    """Only a CRS URI as offered names a CRS: "…/04326" was answered by the fast path and refused
    by pygeoapi on the generic one."""
    query = {"bbox": "28.895,40.99,28.91,41.005", "limit": "3", param: uri}
    if param == "bbox-crs" and uri != CRS84:
        query["bbox"] = "40.99,28.895,41.005,28.91"  # EPSG:4326 is lat/lon
    fast, generic = _both(client, monkeypatch, "/ogc/collections/bi-bina/items", query)
    assert fast.status_code == generic.status_code == (200 if uri in (f"{CRS}4326", CRS84) else 400)
    assert STAMP.sub(b"", fast.content) == STAMP.sub(b"", generic.content)
