"""Control characters: refused in the metadata form with a translated error; every XML we write
(ISO 19139, KML and XLSX exports, the activity report's XLSX) stays well-formed whatever the
stored text or a feature attribute holds (XML 1.0 cannot carry \\x01 or \\x0b at all)."""

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from cbs.testing import make_user
from cbs.text import xml_text
from layers.metadata import metadata_update
from layers.models import LayerMetadata, Mahalle
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create
from ogc.config import clear_caches

NS = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco"}
DIRTY = "Okul\x01 ve\x0b sağlık\x0c merkezi\x1f"
FORM = {"title": "Hizmet noktaları", "update_frequency": "weekly", "scale_denominator": "2000"}


@pytest.fixture(autouse=True)
def _catalogue_of_this_test_only():
    """Metadata written here rolls back; the catalogue cached from it must not outlive the test."""
    yield
    clear_caches()


def test_xml_text_drops_what_xml_cannot_carry_only():
    assert xml_text("a\x00b\x01c\x08d\x0be\x0cf\x1fg\ud800h\ufffei\uffffj") == "abcdefghij"
    kept = "tab\there\nLF\rCR İşçi ğüşöç € 𝄞 \x7f\x85 <&>"
    assert xml_text(kept) == kept


def test_the_form_refuses_control_characters_in_turkish(client, db):
    client.force_login(make_user(("layer:kh-hizmet", "edit")))
    response = client.post("/map/metadata/kh-hizmet/", {**FORM, "abstract": "Özet\x0bdevamı"},
                           HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 200  # the form again, with the field's message
    assert "denetim karakterlerini" in response.content.decode()
    assert "abstract" in response.context["form"].errors
    assert not LayerMetadata.objects.filter(layer="kh-hizmet").exists()
    response = client.post("/map/metadata/kh-hizmet/", {**FORM, "abstract": "Satır 1\r\nSatır 2\tsekme"})
    assert response.status_code == 302  # TAB, LF and CR are text
    assert LayerMetadata.objects.get(layer="kh-hizmet").abstract == "Satır 1\r\nSatır 2\tsekme"


@pytest.mark.parametrize("field", ["title", "abstract", "purpose", "keywords", "lineage", "use_limitation",
                                   "contact_name"])
def test_the_service_refuses_them_in_every_text(db, field):
    with pytest.raises(ValidationError) as refused:
        metadata_update(layer=get_layer("kh-hizmet"), user=None,
                        data={**FORM, field: "önce\x01sonra"})
    assert field in refused.value.message_dict


def test_iso_xml_is_well_formed_with_control_characters_already_stored(client, db):
    """Rows saved before the form refused them, or written by other means."""
    LayerMetadata.objects.create(layer="kh-hizmet", title="Hizmet\x01 noktaları", abstract=DIRTY,
                                 keywords="okul\x0b, sağlık", lineage="Saha\x1b 2026", update_frequency="weekly")
    clear_caches()  # what metadata_update does on commit: the catalogue's records are rebuilt
    response = client.get("/map/metadata/kh-hizmet.xml")
    assert response.status_code == 200
    etree.fromstring(response.content)  # lxml: strict XML 1.0
    root = ET.fromstring(response.content)
    ident = root.find("gmd:identificationInfo/gmd:MD_DataIdentification", NS)
    assert ident.find("gmd:abstract/gco:CharacterString", NS).text == "Okul ve sağlık merkezi"
    assert ident.find(".//gmd:title/gco:CharacterString", NS).text == "Hizmet noktaları"
    assert "okul" in [k.text for k in ident.findall(".//gmd:keyword/gco:CharacterString", NS)]
    # The catalogue's record carries the same text (JSON escapes it; the HTML page renders).
    record = client.get("/ogc/collections/katalog/items/kh-hizmet", {"f": "json"})
    assert json.loads(record.content)["properties"]["description"] == DIRTY
    assert client.get("/ogc/collections/katalog/items", {"f": "html"}).status_code == 200


@pytest.fixture
def dirty_feature(db):
    return feature_create(layer=get_layer("kh-hizmet"), feature=FeatureInput(
        {"adi": DIRTY, "hizmetTipi": "diger"}, "SRID=5254;POINT(407900 4541100)"))


def test_kml_and_xlsx_exports_are_well_formed_with_a_control_character_in_an_attribute(client, dirty_feature):
    """GDAL's KML and XLSX writers drop what XML cannot carry (kept so by this test)."""
    kml = client.get("/map/export/", {"layer": "kh-hizmet", "format": "kml"})
    assert kml.status_code == 200
    root = etree.fromstring(kml.content)
    assert "Okul ve sağlık merkezi" in [e.text for e in root.iter("{*}SimpleData")]
    xlsx = client.get("/map/export/", {"layer": "kh-hizmet", "format": "xlsx", "crs": 5254})
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        for name in book.namelist():
            if name.endswith(".xml"):
                etree.fromstring(book.read(name))
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row]
    assert "Okul ve sağlık merkezi" in cells


def test_the_activity_report_xlsx_with_a_control_character_in_a_mahalle_name(db):
    """Mahalle names come from the data (imports, the editor): openpyxl refused \\x01 in a cell
    (IllegalCharacterError), so the whole report download was a 500."""
    from datetime import date

    from openpyxl import load_workbook

    from backoffice.reports.period import Period
    from backoffice.reports.report import activity_report, to_pdf, to_xlsx

    mahalle = Mahalle.objects.order_by("pk").first()
    Mahalle.objects.filter(pk=mahalle.pk).update(adi="Yeni\x01 Mahalle\x0b")
    report = activity_report(Period(date(2026, 6, 1), date(2026, 6, 30)))
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Yeni Mahalle" in cells
    assert to_pdf(report).startswith(b"%PDF")
