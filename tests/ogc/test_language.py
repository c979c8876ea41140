"""The OGC API answers in the site's language: pygeoapi's HTML pages in Turkish by default (from
our catalogue of its texts), English on request; translated config values per language."""

import json

from django.utils import translation

from cbs.management.commands.pygeoapi_messages import catalogue_path, template_messages
from ogc.records import records_file


def landing(client, **kwargs) -> str:
    response = client.get("/ogc/", {"f": "html", **kwargs.pop("params", {})}, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def test_pages_are_turkish_by_default(client, db):
    page = landing(client)
    assert '<html lang="tr" dir="ltr"' in page
    assert "<h2>Koleksiyonlar</h2>" in page and "Bu servisin uyumluluk sınıflarını görüntüleyin" in page
    assert "<h2>Collections</h2>" not in page


def test_english_on_request(client, db):
    page = landing(client, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert '<html lang="en" dir="ltr"' in page and "<h2>Collections</h2>" in page


def test_the_sites_language_choice_wins_over_the_browsers(client, db):
    """TR/EN on the site sets Django's language cookie; the OGC pages follow it, ?lang= beats both."""
    client.cookies["django_language"] = "en"
    assert "<h2>Collections</h2>" in landing(client, HTTP_ACCEPT_LANGUAGE="tr")
    assert "<h2>Koleksiyonlar</h2>" in landing(client, HTTP_ACCEPT_LANGUAGE="tr", params={"lang": "tr"})


def test_every_text_of_pygeoapis_pages_has_a_turkish_translation():
    """Fails after a pygeoapi upgrade brings new texts: run manage.py pygeoapi_messages, translate."""
    from babel.messages.pofile import read_po

    with catalogue_path("tr").open("rb") as f:
        catalogue = read_po(f, locale="tr")
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert len(template_messages()) > 100
    assert sorted(set(template_messages()) - translated) == []


def test_collection_keywords_follow_the_language_not_the_first_request(client, db):
    """The config is built once and cached: theme names are kept per language."""
    def keywords(language):
        response = client.get("/ogc/collections/kh-hizmet", {"f": "json", "lang": language})
        return json.loads(response.content)["keywords"]

    assert "Public services" in keywords("en")
    assert "Kamu hizmetleri" in keywords("tr") and "Public services" not in keywords("tr")


def test_catalogue_records_are_turkish_whatever_the_request_language(db, settings, tmp_path):
    settings.CBS_CATALOGUE_DIR = str(tmp_path)
    with translation.override("en"):
        path = records_file({"kh-hizmet": [28.88, 40.97, 28.93, 41.02]}, "http://testserver/ogc")
    record = json.loads(path.read_text(encoding="utf-8"))["_default"]["1"]
    assert record["properties"]["themes"][0]["concepts"][0]["title"] == "Kamu hizmetleri"
    assert record["properties"]["language"] == "tr"
