"""Every route that exists, through the reusable permission surface (cbs.testing)."""

import pytest
from django.urls import reverse

from cbs.accounts.selectors import layer_resource
from cbs.testing import Route, assert_route_permissions
from layers.models import KamuHizmeti
from layers.registry import all_layers


def admin_url(layer, action: str, *args) -> str:
    meta = layer.meta()
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


def first_pk(layer) -> int:
    return layer.model.objects.order_by("pk").values_list("pk", flat=True).first()


def layer_routes() -> list[Route]:
    routes = []
    for layer in all_layers():
        grant = layer_resource(layer)  # module:assets for the asset layers
        routes += [
            Route(f"{layer.name} list", lambda l=layer: admin_url(l, "changelist"), (grant, "view")),
            Route(f"{layer.name} change page", lambda l=layer: admin_url(l, "change", first_pk(l)),
                  (grant, "view")),
            Route(f"{layer.name} add page", lambda l=layer: admin_url(l, "add"), (grant, "edit")),
            Route(f"{layer.name} delete page", lambda l=layer: admin_url(l, "delete", first_pk(l)),
                  (grant, "edit")),
            Route(f"{layer.name} history", lambda l=layer: admin_url(l, "history", first_pk(l)),
                  (grant, "view"), allowed=(302,)),
        ]
    return routes


SERVICE_POINT = {
    "adi": "Deneme Kütüphanesi", "hizmet_tipi": "kulturel", "iletisim_telefon": "0212 555 11 22",
    "iletisim_adres": "Zeytinburnu", "geom": "SRID=5254;POINT(407900 4541100)",
    "surum_bitis_zamani_0": "", "surum_bitis_zamani_1": "", "gecerlilik_baslangici": "",
    "gecerlilik_sonu": "",
}

ROUTES = [
    *layer_routes(),
    Route("service point add (write)", lambda: admin_url(all_layers()[5], "add"),
          ("layer:kh-hizmet", "edit"), method="post", data=SERVICE_POINT, allowed=(302,),
          creates=KamuHizmeti),
    Route("feature history page", lambda: reverse("layers:feature_history", args=["kh-hizmet", 1]),
          ("layer:kh-hizmet", "view")),
    Route("attribute form", lambda: reverse("layers:feature_form", args=["kh-hizmet"]),
          ("layer:kh-hizmet", "edit"), anonymous=403),
    Route("grants", lambda: reverse("admin:accounts_grant_changelist"), None),
    Route("audit trail", lambda: reverse("admin:audit_auditrecord_changelist"), None),
    Route("access log", lambda: reverse("admin:audit_accessrecord_changelist"), None),
    Route("partner institutions", lambda: reverse("admin:partners_kurum_changelist"), None),
    Route("API tokens", lambda: reverse("admin:partners_apitoken_changelist"), None),
    Route("layer publication", lambda: reverse("admin:layers_layerpublication_changelist"), None),
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_route_permissions(client, db, route):
    """Anonymous, without permission, with the wrong level and with permission, for each route."""
    assert_route_permissions(client, route)


def test_area_limited_editor(client, db):
    """An editor limited to one mahalle can add inside it; outside, the form refuses and nothing is created."""
    from cbs.testing import make_user
    from layers.models import Mahalle

    beştelsiz = Mahalle.objects.get(uavt_kodu=40838)
    inside = beştelsiz.geom.point_on_surface
    other = Mahalle.objects.exclude(pk=beştelsiz.pk).first().geom.point_on_surface
    client.force_login(make_user(("layer:kh-hizmet", "edit"), areas=[beştelsiz]))
    url = reverse("admin:layers_kamuhizmeti_add")
    before = KamuHizmeti.objects.count()
    refused = client.post(url, {**SERVICE_POINT, "geom": other.ewkt}, HTTP_ACCEPT_LANGUAGE="tr")
    assert refused.status_code == 200 and "izin verilen" in refused.content.decode()
    assert KamuHizmeti.objects.count() == before
    accepted = client.post(url, {**SERVICE_POINT, "geom": inside.ewkt})
    assert accepted.status_code == 302
    assert KamuHizmeti.objects.count() == before + 1


def test_public_pages_open(client, db):
    """The start page and the login page are open to everyone."""
    assert client.get("/").status_code == 200
    assert client.get(reverse("login")).status_code == 200
