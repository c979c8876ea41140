"""ISO 19139 metadata of a layer: the TUCBS minimum, parsed back; the gate applies."""

import xml.etree.ElementTree as ET

from layers.registry import get_layer
from layers.selectors import layer_extent_lonlat

NS = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco"}


def text(root, path: str) -> str:
    node = root.find(path, NS)
    assert node is not None, path
    return node.text or node.get("codeListValue")


def test_metadata_minimum_in_turkish(client, db):
    response = client.get("/map/metadata/kh-hizmet.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.isotc211.org/2005/gmd}MD_Metadata"
    assert len(text(root, "gmd:fileIdentifier/gco:CharacterString")) == 36  # a UUID
    assert text(root, "gmd:language/gmd:LanguageCode") == "tur"
    assert text(root, "gmd:characterSet/gmd:MD_CharacterSetCode") == "utf8"
    assert text(root, ".//gmd:referenceSystemIdentifier//gmd:code/gco:CharacterString") == "EPSG:5254"
    ident = root.find("gmd:identificationInfo/gmd:MD_DataIdentification", NS)
    assert text(ident, "gmd:citation/gmd:CI_Citation/gmd:title/gco:CharacterString") == "Kamu hizmet noktaları"
    assert {text(d, "gmd:dateType/gmd:CI_DateTypeCode") for d in ident.findall(".//gmd:CI_Date", NS)} >= {
        "creation", "revision"}
    keywords = [k.text for k in ident.findall(".//gmd:keyword/gco:CharacterString", NS)]
    assert any(k.startswith("KH") for k in keywords)
    box = [float(text(ident, f".//gmd:{t}/gco:Decimal")) for t in
           ("westBoundLongitude", "southBoundLatitude", "eastBoundLongitude", "northBoundLatitude")]
    assert box == [round(v, 6) for v in layer_extent_lonlat(get_layer("kh-hizmet"))]
    assert text(root, ".//gmd:DQ_ConformanceResult/gmd:pass/gco:Boolean") == "true"
    assert "/ogc/collections/kh-hizmet" in text(root, ".//gmd:linkage/gmd:URL")


def test_metadata_behind_the_gate(client, db):
    assert client.get("/map/metadata/tk-parsel.xml").status_code == 404
    assert client.get("/map/metadata/kh-kamera.xml").status_code == 404


def test_metadata_is_maintained_in_the_ui_by_editors_only(client, db):
    from cbs.testing import make_user

    url = "/map/metadata/kh-hizmet/"
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_user(("layer:kh-hizmet", "edit")))
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Hizmet noktaları", "abstract": "Özet", "update_frequency": "weekly",
                                 "scale_denominator": "2000", "contact_email": "yanlis"})
    assert response.status_code == 200  # invalid e-mail: the form again, nothing saved
    response = client.post(url, {"title": "Hizmet noktaları", "abstract": "Özet", "update_frequency": "weekly",
                                 "scale_denominator": "2000", "lineage": "Sayım 2026"})
    assert response.status_code == 302
    xml = client.get("/map/metadata/kh-hizmet.xml").content.decode()
    assert "Hizmet noktaları" in xml and "weekly" in xml and "Sayım 2026" in xml
