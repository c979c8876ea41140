"""One parametrised surface for every registered layer: a new layer without a sample file, a
working admin or correct OGC publication fails here."""

import json

import pytest
from django.urls import reverse

from cbs.accounts.selectors import layer_resource
from cbs.testing import make_user
from layers.io import sample_path
from layers.registry import Access, all_layers

LAYERS = pytest.mark.parametrize("layer", all_layers(), ids=lambda layer: layer.name)


@LAYERS
def test_sample_file_loaded_completely(db, layer):
    """The committed sample file exists and every feature in it is in the table."""
    path = sample_path(layer)
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert features, f"{path} has no features"
    numbers = [f["properties"]["tucbsNo"] for f in features]
    assert layer.model.objects.filter(tucbs_no__in=numbers).count() == len(features)


@LAYERS
def test_admin_pages(admin_client_tr, layer):
    """The admin list, add and change pages of the layer render."""
    meta = layer.meta()
    base = f"admin:{meta.app_label}_{meta.model_name}"
    assert admin_client_tr.get(reverse(f"{base}_changelist")).status_code == 200
    assert admin_client_tr.get(reverse(f"{base}_add")).status_code == 200
    obj = layer.model.objects.order_by("pk").first()
    page = admin_client_tr.get(reverse(f"{base}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert b"cbs-map-widget" in page.content


@LAYERS
def test_served_count_equals_table_count(client, db, layer):
    """Paging through /items serves exactly the table's rows; internal and sensitive layers are
    404 to anonymous callers and served in full to staff holding their grant."""
    url = f"/ogc/collections/{layer.name}/items"
    if layer.access == Access.INTERNAL or layer.sensitive:
        assert client.get(url).status_code == 404
        if layer.access == Access.INTERNAL:
            return
        client.force_login(make_user((layer_resource(layer), "view")))
    served, offset = 0, 0
    while True:
        body = client.get(url, {"limit": 2000, "offset": offset, "skipGeometry": "true"}).json()
        served += body["numberReturned"]
        if not any(link["rel"] == "next" for link in body["links"]) or body["numberReturned"] == 0:
            break
        offset += 2000
    assert served == layer.model.objects.count()
