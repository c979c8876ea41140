"""The asset layers in the registry: sensitive (never public), governed by the assets module grant.

Registering them gives the OGC API, vector tiles, the access gate, the generic editor and admin,
feature history and audit for free; partners (e.g. the police for KGYS cameras) see them only
under a protocol.
"""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cbs.accounts.selectors import user_can

from layers.registry import Access, Layer, register_layer

from .lifecycle import check_status_move
from .models import Camera, FiberLink, NetworkDevice, Site

# Asset kind in URLs, and the new-ticket field that links the asset (fiber links get no ticket link).
KIND = {"ay-lokasyon": "lokasyon", "ay-cihaz": "cihaz", "kh-kamera": "kamera", "ay-fiber": "fiber"}
TICKET_FIELD = {"ay-lokasyon": "site", "ay-cihaz": "device", "kh-kamera": "camera"}


class AssetLayer(Layer):
    access = Access.PROTOCOL
    sensitive = True
    module = "assets"
    map_min_zoom = 12

    @classmethod
    def check_change(cls, before, instance) -> None:
        if before is not None and hasattr(instance, "durum"):
            check_status_move(before.get("durum"), instance.durum)

    @classmethod
    def identify_actions(cls, instance, user) -> list[dict]:
        """"Open a ticket" with the asset filled in, and the asset's own page."""
        actions = []
        field = TICKET_FIELD.get(cls.name)
        if field and user_can(user, "module:tickets", "edit"):
            actions.append({"kind": "ticket", "label": gettext("Open a ticket"),
                            "url": f"{reverse('tickets:new')}?{field}={instance.tucbs_no}"})
        if user_can(user, "module:assets", "view"):
            actions.append({"kind": "asset", "label": gettext("Asset page"),
                            "url": reverse("assets:asset", args=[KIND[cls.name], instance.tucbs_no])})
        return actions


@register_layer
class SiteLayer(AssetLayer):
    model = Site
    name = "ay-lokasyon"
    theme = "AY"
    title = _("Network sites")
    description = _("Buildings, cabinets, poles and system rooms that hold network equipment.")
    keywords = ("lokasyon", "kabinet", "sistem odası")
    published_fields = ("kod", "adi", "tur", "adres", "numarataj", "bina", "sorumlu", "erisim_notu")
    list_fields = ("kod", "adi", "tur")
    search_fields = ("kod", "adi", "adres")
    map_color = "#1b7837"
    map_label_field = "adi"
    map_label_min_zoom = 16


@register_layer
class FiberLayer(AssetLayer):
    model = FiberLink
    name = "ay-fiber"
    theme = "AY"
    title = _("Fiber links")
    description = _("Fiber cables between sites with core counts and ownership.")
    keywords = ("fiber", "kablo")
    published_fields = ("adi", "baslangic", "bitis", "damar_sayisi", "kullanilan_damar", "sahiplik",
                        "durum", "kurulum_tarihi", "uzunluk")
    # FiberLink.clean(): metres, the storage CRS being the TM zone.
    computed_columns = {"uzunluk": "round(ST_Length({geom})::numeric, 2)"}
    list_fields = ("adi", "baslangic", "bitis", "durum")
    search_fields = ("adi",)
    map_color = "#f1a340"


@register_layer
class DeviceLayer(AssetLayer):
    model = NetworkDevice
    name = "ay-cihaz"
    theme = "AY"
    title = _("Network devices")
    description = _("Switches, routers, firewalls, access points, recorders and servers.")
    keywords = ("switch", "router", "ağ cihazı")
    published_fields = ("adi", "tur", "marka", "model_adi", "seri_no", "demirbas_no", "mac", "ip", "vlan",
                        "yazilim", "durum", "kurulum_tarihi", "garanti_bitis", "lokasyon", "uplink",
                        "uplink_port", "uplink_fiber")
    list_fields = ("adi", "tur", "ip", "durum")
    search_fields = ("adi", "ip", "mac", "seri_no", "demirbas_no")
    map_color = "#2166ac"
    map_label_field = "adi"
    map_label_min_zoom = 18
    map_class_field = "durum"
    map_class_colors = {"planlandi": "#9e9e9e", "kuruldu": "#1f78b4", "aktif": "#1a9850", "arizali": "#d7191c",
                        "hizmetDisi": "#525252"}
    map_min_zoom = 13


@register_layer
class CameraLayer(AssetLayer):
    model = Camera
    name = "kh-kamera"
    theme = "KH"
    title = _("Security and traffic cameras")
    description = _("KGYS/MOBESE, building security and traffic cameras with their view sectors.")
    keywords = ("kamera", "KGYS", "MOBESE", "guvenlik")
    published_fields = ("adi", "tur", "montaj", "kamera_tipi", "azimut", "gorus_acisi", "menzil", "ip",
                        "mac", "seri_no", "durum", "kayit_cihazi", "baglanti_cihazi", "lokasyon",
                        "kurulum_tarihi")
    list_fields = ("adi", "tur", "durum", "ip")
    search_fields = ("adi", "ip", "mac", "seri_no")
    map_color = "#b2182b"
    map_label_field = "adi"
    map_label_min_zoom = 18
    map_class_field = "durum"
    map_class_colors = {"planlandi": "#9e9e9e", "kuruldu": "#1f78b4", "aktif": "#1a9850", "arizali": "#d7191c",
                        "hizmetDisi": "#525252"}
