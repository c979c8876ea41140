"""The municipality's thematic layers (imported from LayersConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from .models import Bina, ImarPlani, KamuHizmeti, KarayoluHatti, Mahalle, Numarataj, Parsel, Yol
from .registry import Access, Layer, register_layer
from .topology import BINA_NO_OVERLAP, NUMARATAJ_ON_BINA, ROAD_IN_DISTRICT

# Registration order is dependency order: referenced layers load first.


@register_layer
class MahalleLayer(Layer):
    model = Mahalle
    name = "id-mahalle"
    theme = "ID"
    title = _("Neighbourhoods")
    description = _("Neighbourhood (mahalle) boundaries with UAVT codes and population.")
    keywords = ("mahalle", "idari birim")
    published_fields = ("adi", "uavt_kodu", "idari_hiyerarsi_duzey_kodu", "nufus")
    list_fields = ("adi", "uavt_kodu", "nufus")
    search_fields = ("adi",)
    map_color = "#7b3294"
    map_label_field = "adi"
    map_label_min_zoom = 12
    map_min_zoom = 10


@register_layer
class YolLayer(Layer):
    model = Yol
    name = "ad-yol"
    theme = "AD"
    title = _("Roads (address)")
    description = _("Named roads of the address system (CSBM) with their UAVT codes.")
    keywords = ("yol", "cadde", "sokak", "adres")
    published_fields = ("adi", "yol_tipi", "uavt_kodu")
    list_fields = ("adi", "yol_tipi", "uavt_kodu")
    search_fields = ("adi",)
    map_color = "#e66101"
    map_label_field = "adi"
    map_label_min_zoom = 15
    map_min_zoom = 12
    topology = (ROAD_IN_DISTRICT,)


@register_layer
class BinaLayer(Layer):
    model = Bina
    name = "bi-bina"
    theme = "BI"
    title = _("Buildings")
    description = _("Building footprints with MAKS building ids and floor counts.")
    keywords = ("bina", "yapı", "MAKS")
    published_fields = (
        "bina_kimlik_no", "adi", "zemin_ustu_kat_sayisi", "zemin_alti_kat_sayisi",
        "bagimsiz_bolum_sayisi", "yapi_grubu_tipi", "yapi_sinifi_tipi",
        "yapi_kullanim_izni_tarihi",
    )
    list_fields = ("bina_kimlik_no", "adi", "zemin_ustu_kat_sayisi", "bagimsiz_bolum_sayisi")
    search_fields = ("adi",)
    map_color = "#b2182b"
    map_min_zoom = 14
    topology = (BINA_NO_OVERLAP,)


@register_layer
class NumaratajLayer(Layer):
    model = Numarataj
    name = "ad-numarataj"
    theme = "AD"
    title = _("Door numbers")
    description = _("Door numbers (numarataj) at building entrances with UAVT address numbers.")
    keywords = ("numarataj", "kapı numarası", "adres", "UAVT")
    published_fields = (
        "kapi_numarasi", "numarataj_tipi", "bina", "uavt_adres_no", "posta_kodu", "yol", "mahalle",
    )
    list_fields = ("kapi_numarasi", "yol", "mahalle", "uavt_adres_no")
    search_fields = ("kapi_numarasi",)
    map_color = "#2166ac"
    map_label_field = "kapi_numarasi"
    map_label_min_zoom = 17
    map_min_zoom = 16
    topology = (NUMARATAJ_ON_BINA,)


@register_layer
class KarayoluLayer(Layer):
    model = KarayoluHatti
    name = "ul-karayolu"
    theme = "UL"
    title = _("Road network")
    description = _("Road links of the urban transport network.")
    keywords = ("karayolu", "ulaşım")
    published_fields = ("adi", "sanal_mi", "tahsisli_serit_degeri")
    list_fields = ("adi", "sanal_mi", "tahsisli_serit_degeri")
    search_fields = ("adi",)
    map_color = "#525252"
    map_label_field = "adi"
    map_label_min_zoom = 15
    map_min_zoom = 11
    map_visible = False


@register_layer
class KamuHizmetiLayer(Layer):
    model = KamuHizmeti
    name = "kh-hizmet"
    theme = "KH"
    title = _("Public service points")
    description = _("Schools, health centres, police stations and other public services.")
    keywords = ("kamu hizmeti", "okul", "sağlık")
    published_fields = ("adi", "hizmet_tipi", "iletisim_telefon", "iletisim_adres")
    list_fields = ("adi", "hizmet_tipi", "iletisim_telefon")
    search_fields = ("adi",)
    map_color = "#1a9850"
    map_label_field = "adi"
    map_label_min_zoom = 16
    map_class_field = "hizmet_tipi"
    map_min_zoom = 11


@register_layer
class ImarLayer(Layer):
    model = ImarPlani
    name = "ak-imar"
    theme = "AK"
    title = _("Zoning plans")
    description = _("Zoning plan areas (imar planı) with their land-use decisions.")
    keywords = ("imar planı", "arazi kullanımı")
    published_fields = (
        "plan_adi", "plan_turu", "plan_islem_numarasi", "onay_tarihi",
        "planli_arazi_kullanim_karari_deger",
    )
    list_fields = ("plan_adi", "plan_turu", "plan_islem_numarasi", "onay_tarihi")
    search_fields = ("plan_adi", "plan_islem_numarasi")
    map_color = "#fdb863"
    map_class_field = "planli_arazi_kullanim_karari_deger"
    # Colours after the customary zoning-plan legend (residential yellow, commercial red, green areas …).
    map_class_colors = {
        "konut": "#ffe600", "ticaret": "#e31a1c", "konutTicaret": "#ff7f00", "sanayi": "#8856a7",
        "egitim": "#1f78b4", "saglik": "#a6cee3", "parkYesilAlan": "#33a02c", "dini": "#b15928",
        "resmiKurum": "#6a3d9a", "teknikAltyapi": "#737373",
    }
    map_min_zoom = 11
    map_visible = False


@register_layer
class ParselLayer(Layer):
    model = Parsel
    name = "tk-parsel"
    theme = "TK"
    title = _("Cadastral parcels")
    description = _("TKGM cadastral parcels, used under protocol; never re-published.")
    keywords = ("parsel", "ada", "kadastro")
    published_fields = ("mahalle", "ada_no", "parsel_no", "nitelik", "alan")
    list_fields = ("ada_no", "parsel_no", "mahalle", "nitelik", "alan")
    search_fields = ("nitelik",)
    access = Access.INTERNAL
    sensitive = True
    map_color = "#8c510a"
    map_label_field = "parsel_no"
    map_label_min_zoom = 17
    map_min_zoom = 15
    map_visible = False
