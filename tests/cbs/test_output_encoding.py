"""Attribute values are shown as text, never as HTML (security.md item 14)."""

import pytest

from cbs.testing import make_user
from layers.registry import get_layer
from layers.services import FeatureInput, feature_create

PAYLOAD = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_feature(db):
    return feature_create(layer=get_layer("kh-hizmet"), feature=FeatureInput(
        {"adi": PAYLOAD, "hizmetTipi": "diger", "Iletisim_adres": PAYLOAD},
        "SRID=5254;POINT(407900 4541100)"))


@pytest.mark.parametrize("path", [
    "/ogc/collections/kh-hizmet/items?f=html&limit=200",
    "/ogc/collections/kh-hizmet/items/{no}?f=html",
    "/admin/layers/kamuhizmeti/",
    "/admin/layers/kamuhizmeti/{pk}/change/",
])
def test_hostile_name_rendered_as_text(client, hostile_feature, path):
    """A feature named like an XSS payload never reaches a page as markup."""
    client.force_login(make_user(superuser=True))
    html = client.get(path.format(no=hostile_feature.tucbs_no, pk=hostile_feature.pk)).content.decode()
    assert PAYLOAD not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html or "\\u003cimg" in html


def test_hostile_name_in_json_is_data(client, hostile_feature):
    """In GeoJSON the value comes back exactly as stored (JSON is not HTML)."""
    body = client.get(f"/ogc/collections/kh-hizmet/items/{hostile_feature.tucbs_no}").json()
    assert body["properties"]["adi"] == PAYLOAD
