"""The catalogue (OGC API – Records through pygeoapi): searchable by text, theme and bbox, the
same gate as the collections, maintained metadata in the records; OWSLib and GDAL as clients."""

import json
import subprocess

import pytest
from owslib.ogcapi.records import Records

from cbs.testing import make_user
from layers.metadata import metadata_update
from layers.registry import get_layer
from ogc.config import clear_caches

URL = "/ogc/collections/katalog/items"


@pytest.fixture(autouse=True)
def _catalogue_of_this_test_only():
    """Metadata written here rolls back; the catalogue cached from it must not outlive the test."""
    yield
    clear_caches()


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return sorted(f["id"] for f in json.loads(response.content)["features"])


def test_anonymous_catalogue_lists_public_layers_only(client, db):
    listed = ids(client.get(URL, {"f": "json", "limit": 100}))
    assert "bi-bina" in listed and "id-mahalle" in listed
    assert "kh-kamera" not in listed and "tk-parsel" not in listed  # sensitive, internal
    assert client.get(f"{URL}/kh-kamera", {"f": "json"}).status_code == 404
    assert client.get(f"{URL}/bi-bina", {"f": "json"}).status_code == 200


def test_staff_with_the_module_sees_the_network_layers(client, db):
    client.force_login(make_user(superuser=True))
    assert "kh-kamera" in ids(client.get(URL, {"f": "json", "limit": 100}))


def test_text_theme_and_bbox_search(client, db):
    assert "bi-bina" in ids(client.get(URL, {"f": "json", "q": "bina"}))
    assert ids(client.get(URL, {"f": "json", "theme": "KH"})) == ["kh-hizmet"]
    assert ids(client.get(URL, {"f": "json", "bbox": "27.0,39.0,27.1,39.1"})) == []
    assert "id-mahalle" in ids(client.get(URL, {"f": "json", "bbox": "28.89,40.99,28.91,41.01"}))


def test_records_carry_the_maintained_metadata_and_links(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        metadata_update(layer=get_layer("kh-hizmet"), user=None, data={
            "title": "Kamu hizmet noktaları (okul, sağlık, güvenlik)", "abstract": "Belediye envanteri.",
            "keywords": "okul, sağlık ocağı", "update_frequency": "monthly", "scale_denominator": 5000,
            "lineage": "Saha tespiti 2026.", "contact_email": "cbs@example.org"})
    record = json.loads(client.get(f"{URL}/kh-hizmet", {"f": "json"}).content)
    assert record["properties"]["title"].startswith("Kamu hizmet noktaları")
    assert "okul" in record["properties"]["keywords"] and record["properties"]["theme"] == "KH"
    assert {link["rel"] for link in record["links"]} >= {"item", "describedby"}
    assert ids(client.get(URL, {"f": "json", "q": "sağlık ocağı"})) == ["kh-hizmet"]
    xml = client.get("/map/metadata/kh-hizmet.xml").content.decode()
    assert "Saha tespiti 2026." in xml and "monthly" in xml and ">5000<" in xml


def test_the_catalogue_is_read_only(client, db):
    client.force_login(make_user(superuser=True))
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code in (403, 405)


class CatalogueClientTests:
    def test_owslib_searches_the_catalogue(self, live_site, db):
        api = Records(f"{live_site}/ogc")
        found = api.collection_items("katalog", q="bina")
        assert "bi-bina" in [f["id"] for f in found["features"]]
        record = api.collection_item("katalog", "id-mahalle")
        assert record["properties"]["theme"] == "ID"

    def test_partner_sees_its_protocol_layers(self, live_site, db, live_partner):
        import requests

        headers = {"Authorization": f"Bearer {live_partner}"}
        doc = requests.get(f"{live_site}{URL}?f=json&limit=100", headers=headers, timeout=30).json()
        assert {"bi-bina", "ad-numarataj"} <= {f["id"] for f in doc["features"]}
        assert "kh-kamera" not in {f["id"] for f in doc["features"]}

    def test_gdal_reads_the_catalogue_as_features(self, live_site, db, tmp_path):
        target = tmp_path / "katalog.geojson"
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{live_site}/ogc/", "katalog"],
                       check=True, capture_output=True, timeout=120)
        import requests

        records = json.loads(target.read_text())["features"]
        listed = requests.get(f"{live_site}{URL}?f=json&limit=100", timeout=30).json()["features"]
        assert len(records) == len(listed) >= 6
        assert {r["properties"]["theme"] for r in records} == {f["properties"]["theme"] for f in listed}
        assert all(r["properties"]["title"] for r in records)


def test_records_file_written_by_many_threads_at_once(db, settings, tmp_path):
    """The live server answers a page's parallel requests in threads, and the first ones for a
    new set of layers all write its records file: each must end with a whole file (a temporary
    name per process, not per thread, made some of them fail with a 500)."""
    from concurrent.futures import ThreadPoolExecutor

    from ogc.records import records_file

    settings.CBS_CATALOGUE_DIR = str(tmp_path)
    extents = {"id-mahalle": [28.88, 40.97, 28.93, 41.02], "kh-hizmet": [28.88, 40.97, 28.93, 41.02]}
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = list(pool.map(lambda _: records_file(extents, "http://testserver/ogc"), range(200)))
    assert len(set(paths)) == 1
    assert json.loads(paths[0].read_text(encoding="utf-8"))["_default"]["1"]["id"] == "id-mahalle"
    assert [p.name for p in tmp_path.iterdir()] == [paths[0].name]


def test_records_link_to_the_host_they_were_built_for(db, settings, tmp_path):
    """Without CBS_OGC_BASE_URL each host has its own API (views.api_for), and its own records."""
    from ogc.records import records_file

    settings.CBS_CATALOGUE_DIR = str(tmp_path)
    extents = {"kh-hizmet": [28.88, 40.97, 28.93, 41.02]}
    first = records_file(extents, "http://localhost/ogc")
    records_file(extents, "http://127.0.0.1/ogc")
    links = json.loads(first.read_text(encoding="utf-8"))["_default"]["1"]["links"]
    assert {link["href"].split("/ogc")[0].split("/map")[0] for link in links} == {"http://localhost"}


# --- q is text, never a regular expression (issue 15) -------------------------------------------

def test_a_catastrophic_regex_in_q_is_searched_as_text_and_answers_at_once(client, db):
    """`(.*a){7}x` as a regex took ~20 s here ({9}: minutes) and held the worker."""
    import time

    start = time.monotonic()
    response = client.get(URL, {"f": "json", "q": "(.*a){7}x"})
    elapsed = time.monotonic() - start
    assert ids(response) == []
    assert json.loads(response.content)["numberMatched"] == 0
    assert elapsed < 2, elapsed


def test_regex_metacharacters_in_q_are_literal(client, db):
    """`*`, `(x`, `[a` were 500s (re.error); now they are text that no record contains."""
    for q in ("*", "(x", "[a", "a)", "\\", "+bina", "bina|yol", ".*"):
        assert ids(client.get(URL, {"f": "json", "q": q})) == [], q
    assert "bi-bina" in ids(client.get(URL, {"f": "json", "q": "bina"}))


def test_a_title_with_regex_metacharacters_is_found_literally(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        metadata_update(layer=get_layer("kh-hizmet"), user=None, data={
            "title": "Hizmetler (okul+sağlık) [2026] *güncel* a.b", "update_frequency": "monthly",
            "scale_denominator": 5000})
    for q in ("(okul+sağlık)", "[2026]", "*güncel*", "okul+sağlık) [2026", "a.b"):
        assert ids(client.get(URL, {"f": "json", "q": q})) == ["kh-hizmet"], q
    assert ids(client.get(URL, {"f": "json", "q": "axb"})) == []  # `.` is a dot, not any letter
    assert ids(client.get(URL, {"f": "json", "q": "okul+++sağlık"})) == []


def test_words_phrases_alternatives_and_turkish_case(client, db, django_capture_on_commit_callbacks):
    """As before the fix: words of a phrase follow each other, commas separate alternatives, case
    does not matter – also Turkish İ/i and I/ı."""
    with django_capture_on_commit_callbacks(execute=True):
        metadata_update(layer=get_layer("kh-hizmet"), user=None, data={
            "title": "Işıklı İşaretler", "keywords": "sağlık ocağı", "update_frequency": "monthly",
            "scale_denominator": 5000})
    assert ids(client.get(URL, {"f": "json", "q": "SAĞLIK   OCAĞI"})) == ["kh-hizmet"]
    assert ids(client.get(URL, {"f": "json", "q": "ocağı sağlık"})) == []
    assert ids(client.get(URL, {"f": "json", "q": "ışıklı işaretler"})) == ["kh-hizmet"]
    assert ids(client.get(URL, {"f": "json", "q": "IŞIKLI İŞARETLER"})) == ["kh-hizmet"]
    assert ids(client.get(URL, {"f": "json", "q": "BİNA"})) == ids(client.get(URL, {"f": "json", "q": "bina"}))
    either = ids(client.get(URL, {"f": "json", "q": "sağlık ocağı,mahalle"}))
    assert "kh-hizmet" in either and "id-mahalle" in either


def test_q_is_bounded_and_malformed_q_is_a_translated_400(client, db):
    def error(q):
        response = client.get(URL, {"f": "json", "q": q}, HTTP_ACCEPT_LANGUAGE="tr")
        assert response.status_code == 400, (q, response.status_code)
        return json.loads(response.content)["description"]

    assert "en fazla 200 karakter" in error("bina " * 41)
    assert "en fazla 10 sözcük" in error(" ".join(["a"] * 11))
    assert "en fazla 10 sözcük" in error(",".join(["a"] * 11))
    assert "NUL karakteri" in error("bina\x00")  # refused before any view (cbs.middleware)
    assert "denetim karakteri" in error("bina\x0b")
    assert ids(client.get(URL, {"f": "json", "q": "bina\tyapı"})) == ids(client.get(URL, {"f": "json", "q": "bina yapı"}))


def test_other_catalogue_parameters_are_values_not_patterns(client, db):
    """Property filters compare values (no regex); a CQL filter the catalogue cannot apply is a
    400 instead of every record; a date is a date (pygeoapi's instant branch was a TypeError)."""
    assert ids(client.get(URL, {"f": "json", "theme": "(x"})) == []
    assert ids(client.get(URL, {"f": "json", "theme": "B."})) == []
    assert ids(client.get(URL, {"f": "json", "theme": "BI"})) == ["bi-bina"]
    assert ids(client.get(URL, {"f": "json", "type": ".*"})) == []
    response = client.get(URL, {"f": "json", "filter": "theme='BI'"}, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 400 and "filter" in json.loads(response.content)["description"]
    everything = ids(client.get(URL, {"f": "json", "limit": 100}))
    assert ids(client.get(URL, {"f": "json", "limit": 100, "datetime": "2000-01-01/.."})) == everything
    today = json.loads(client.get(f"{URL}/kh-hizmet", {"f": "json"}).content)["properties"]["updated"]
    assert ids(client.get(URL, {"f": "json", "limit": 100, "datetime": today})) == everything
    assert ids(client.get(URL, {"f": "json", "datetime": "2000-01-01"})) == []


def test_the_catalogue_page_is_translated_wired_from_a_static_script_and_escapes_titles(
        client, db, django_capture_on_commit_callbacks):
    """pygeoapi's record page wired its controls inline (blocked by the CSP); ours has none, and a
    title that looks like markup stays text, in the table and in the map's data."""
    payload = "<img src=x onerror=alert(1)></script>'"
    with django_capture_on_commit_callbacks(execute=True):
        metadata_update(layer=get_layer("kh-hizmet"), user=None, data={
            "title": payload, "update_frequency": "monthly", "scale_denominator": 5000})
    response = client.get(URL, {"f": "html"}, HTTP_ACCEPT_LANGUAGE="tr")
    html = response.content.decode()
    assert response.status_code == 200 and "nonce-" in response["Content-Security-Policy"]
    assert 'id="records-search"' in html and "Aranan sözcükler" in html and "Bulunan kayıtlar" in html
    assert "/static/cbs/js/ogc-records.js" in html
    assert " onclick=" not in html and " onchange=" not in html and "javascript:" not in html
    assert payload not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e\\u003c/script\\u003e\\u0027" in html  # data-features
    none = client.get(URL, {"f": "html", "q": "(x"}, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "Aramaya uyan kayıt yok." in none and 'id="records-search"' in none
