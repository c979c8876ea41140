"""AY – the municipality's own network: sites, active devices and the fiber links between sites.

These are registry layers (TUCBS-style features: tucbsNo, version life span) so the same edit
services, history, OGC API, tiles and gate apply to them; their published property names are
their db columns.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from layers.models.base import TucbsFeature, valid_geometry_constraint

from .fields import normalise_mac


class SiteKind(models.TextChoices):
    BINA = "bina", _("Building")
    KAMPUS = "kampus", _("Campus")
    KABINET = "kabinet", _("Street cabinet")
    DIREK = "direk", _("Pole")
    SISTEM_ODASI = "sistemOdasi", _("System room")


class DeviceType(models.TextChoices):
    SWITCH = "switch", _("Switch")
    ROUTER = "router", _("Router")
    FIREWALL = "firewall", _("Firewall")
    ACCESS_POINT = "erisimNoktasi", _("Access point")
    IP_PHONE = "ipTelefon", _("IP phone")
    UPS = "ups", _("UPS")
    SERVER = "sunucu", _("Server")
    NVR = "nvr", _("Network video recorder")
    MEDIA_CONVERTER = "medyaDonusturucu", _("Media converter")


class DeviceStatus(models.TextChoices):
    """Lifecycle: planned → installed → active ⇄ faulty → retired (services enforce the moves)."""

    PLANNED = "planlandi", _("Planned")
    INSTALLED = "kuruldu", _("Installed")
    ACTIVE = "aktif", _("Active")
    FAULTY = "arizali", _("Faulty")
    RETIRED = "hizmetDisi", _("Retired")


class FiberOwner(models.TextChoices):
    OWN = "kendi", _("Own")
    LEASED = "kiralik", _("Leased")
    OPERATOR = "operator", _("Operator")


class Site(TucbsFeature):
    """A place that holds equipment: building, campus, street cabinet, pole or system room."""

    geometry_type = "Point"

    kod = models.CharField(_("site code"), max_length=30, unique=True, db_column="kod",
                           help_text=_("Short unique code, e.g. ZB-KAB-012."))
    adi = models.CharField(_("name"), max_length=150, db_column="adi")
    tur = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices, db_column="tur")
    adres = models.CharField(_("address"), max_length=250, blank=True, db_column="adres")
    numarataj = models.ForeignKey(
        "layers.Numarataj", verbose_name=_("door number (UAVT)"), to_field="uavt_adres_no",
        db_column="uavtAdresNo", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    bina = models.ForeignKey(
        "layers.Bina", verbose_name=_("building"), to_field="bina_kimlik_no", db_column="binaKimlikNo",
        null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    sorumlu = models.CharField(_("contact"), max_length=150, blank=True, db_column="sorumlu")
    erisim_notu = models.TextField(_("access notes"), blank=True, db_column="erisimNotu",
                                   help_text=_("Keys, opening hours, who to call."))
    geom = models.PointField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["kod"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return f"{self.kod} {self.adi}"


class NetworkDevice(TucbsFeature):
    """An active network device at a site; `uplink` makes the topology graph (a tree)."""

    geometry_type = "Point"

    adi = models.CharField(_("name"), max_length=100, db_column="adi")
    tur = models.CharField(_("type"), max_length=20, choices=DeviceType.choices, db_column="tur")
    marka = models.CharField(_("vendor"), max_length=60, blank=True, db_column="marka")
    model_adi = models.CharField(_("model"), max_length=60, blank=True, db_column="model")
    seri_no = models.CharField(_("serial number"), max_length=60, unique=True, null=True, blank=True,
                               db_column="seriNo")
    demirbas_no = models.CharField(_("asset tag"), max_length=40, unique=True, null=True, blank=True,
                                   db_column="demirbasNo")
    mac = models.CharField(_("MAC address"), max_length=17, unique=True, null=True, blank=True,
                           db_column="mac", help_text=_("aa:bb:cc:dd:ee:ff"))
    ip = models.GenericIPAddressField(_("management IP"), unique=True, null=True, blank=True,
                                      db_column="ip")
    vlan = models.PositiveSmallIntegerField(_("management VLAN"), null=True, blank=True, db_column="vlan")
    yazilim = models.CharField(_("firmware"), max_length=60, blank=True, db_column="yazilimSurumu")
    durum = models.CharField(_("status"), max_length=12, choices=DeviceStatus.choices,
                             default=DeviceStatus.PLANNED, db_column="durum")
    kurulum_tarihi = models.DateField(_("install date"), null=True, blank=True, db_column="kurulumTarihi")
    garanti_bitis = models.DateField(_("warranty end"), null=True, blank=True, db_column="garantiBitis")
    lokasyon = models.ForeignKey(Site, verbose_name=_("site"), to_field="kod", db_column="lokasyon",
                                 on_delete=models.PROTECT, related_name="cihazlar")
    uplink = models.ForeignKey("self", verbose_name=_("uplink device"), to_field="tucbs_no",
                               db_column="uplink", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="downlinks")
    uplink_port = models.CharField(_("uplink port"), max_length=30, blank=True, db_column="uplinkPort")
    uplink_fiber = models.ForeignKey("FiberLink", verbose_name=_("uplink fiber"), to_field="tucbs_no",
                                     db_column="uplinkFiber", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="cihazlar")
    geom = models.PointField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("network device")
        verbose_name_plural = _("network devices")
        ordering = ["adi"]
        constraints = [valid_geometry_constraint()]

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        self.mac = normalise_mac(self.mac)
        if self.uplink_id is not None and self.uplink_id == self.tucbs_no:
            raise ValidationError({"uplink": _("A device cannot be its own uplink.")})

    def __str__(self) -> str:
        return self.adi


class FiberLink(TucbsFeature):
    """A fiber cable between two sites, usually along roads; its length is measured in the TM zone."""

    geometry_type = "LineString"

    adi = models.CharField(_("name"), max_length=100, db_column="adi")
    baslangic = models.ForeignKey(Site, verbose_name=_("from site"), to_field="kod",
                                  db_column="baslangicLokasyon", on_delete=models.PROTECT,
                                  related_name="+")
    bitis = models.ForeignKey(Site, verbose_name=_("to site"), to_field="kod",
                              db_column="bitisLokasyon", on_delete=models.PROTECT, related_name="+")
    damar_sayisi = models.PositiveSmallIntegerField(_("core count"), db_column="damarSayisi")
    kullanilan_damar = models.PositiveSmallIntegerField(_("used cores"), default=0,
                                                        db_column="kullanilanDamar")
    sahiplik = models.CharField(_("owner"), max_length=10, choices=FiberOwner.choices,
                                default=FiberOwner.OWN, db_column="sahiplik")
    durum = models.CharField(_("status"), max_length=12, choices=DeviceStatus.choices,
                             default=DeviceStatus.ACTIVE, db_column="durum")
    kurulum_tarihi = models.DateField(_("install date"), null=True, blank=True, db_column="kurulumTarihi")
    uzunluk = models.FloatField(_("length (m)"), default=0, editable=False, db_column="uzunluk",
                                help_text=_("Computed from the geometry in the TM zone."))
    geom = models.LineStringField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("fiber link")
        verbose_name_plural = _("fiber links")
        ordering = ["adi"]
        constraints = [
            valid_geometry_constraint(),
            models.CheckConstraint(condition=models.Q(kullanilan_damar__lte=models.F("damar_sayisi")),
                                   name="assets_fiber_used_cores_le_cores",
                                   violation_error_message=_("More cores in use than the cable has.")),
            # clean() says so to the editor; the constraint to every other writer (imports).
            models.CheckConstraint(condition=~models.Q(baslangic=models.F("bitis")),
                                   name="assets_fiber_two_sites",
                                   violation_error_message=_("A fiber link joins two different sites.")),
        ]

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.baslangic_id and self.baslangic_id == self.bitis_id:
            raise ValidationError({"bitis": _("A fiber link joins two different sites.")})
        if self.geom is not None and self.geom.srid == settings.CBS_SRID:
            self.uzunluk = round(self.geom.length, 2)  # metres: the storage CRS is the TM zone

    def __str__(self) -> str:
        return self.adi
