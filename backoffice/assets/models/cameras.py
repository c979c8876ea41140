"""KH/guvenlik – security and traffic cameras (KGYS/MOBESE, building security, traffic).

The coverage sector is derived, never stored: `assets_camera_sector()` (a SQL function created by
the migration) builds it in the TM zone from the location, azimuth, field of view and range.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from layers.models.base import TucbsFeature, valid_geometry_constraint

from .fields import normalise_mac
from .network import DeviceStatus


class CameraKind(models.TextChoices):
    KGYS = "kgys", _("KGYS/MOBESE (city security)")
    BUILDING = "binaGuvenlik", _("Building security")
    TRAFFIC = "trafik", _("Traffic")


class CameraMount(models.TextChoices):
    POLE = "direk", _("Pole")
    WALL = "duvar", _("Wall")


class CameraType(models.TextChoices):
    PTZ = "ptz", _("PTZ")
    FIXED = "sabit", _("Fixed")
    DOME = "dome", _("Dome")


class Camera(TucbsFeature):
    geometry_type = "Point"

    adi = models.CharField(_("name"), max_length=100, db_column="adi")
    tur = models.CharField(_("kind"), max_length=15, choices=CameraKind.choices, db_column="tur")
    montaj = models.CharField(_("mount"), max_length=10, choices=CameraMount.choices, db_column="montaj")
    kamera_tipi = models.CharField(_("camera type"), max_length=10, choices=CameraType.choices,
                                   db_column="kameraTipi")
    azimut = models.FloatField(_("azimuth (°)"), db_column="azimut",
                               validators=[MinValueValidator(0), MaxValueValidator(360)],
                               help_text=_("Viewing direction, degrees clockwise from north (0–360)."))
    gorus_acisi = models.FloatField(_("field of view (°)"), db_column="gorusAcisi",
                                    validators=[MinValueValidator(1), MaxValueValidator(360)])
    menzil = models.FloatField(_("range (m)"), db_column="menzil",
                               validators=[MinValueValidator(1), MaxValueValidator(2000)])
    ip = models.GenericIPAddressField(_("IP address"), unique=True, null=True, blank=True, db_column="ip")
    mac = models.CharField(_("MAC address"), max_length=17, unique=True, null=True, blank=True,
                           db_column="mac")
    seri_no = models.CharField(_("serial number"), max_length=60, unique=True, null=True, blank=True,
                               db_column="seriNo")
    durum = models.CharField(_("status"), max_length=12, choices=DeviceStatus.choices,
                             default=DeviceStatus.PLANNED, db_column="durum")
    kayit_cihazi = models.ForeignKey(
        "assets.NetworkDevice", verbose_name=_("recorder (NVR)"), to_field="tucbs_no",
        db_column="kayitCihazi", null=True, blank=True, on_delete=models.PROTECT, related_name="kameralar",
    )
    baglanti_cihazi = models.ForeignKey(
        "assets.NetworkDevice", verbose_name=_("connected to (switch)"), to_field="tucbs_no",
        db_column="baglantiCihazi", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    lokasyon = models.ForeignKey("assets.Site", verbose_name=_("site"), to_field="kod",
                                 db_column="lokasyon", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="kameralar")
    kurulum_tarihi = models.DateField(_("install date"), null=True, blank=True, db_column="kurulumTarihi")
    geom = models.PointField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["adi"]
        constraints = [
            valid_geometry_constraint(),
            models.CheckConstraint(condition=models.Q(azimut__gte=0, azimut__lte=360),
                                   name="assets_camera_azimuth_0_360",
                                   violation_error_message=_("The azimuth must lie between 0 and 360°.")),
        ]

    def clean(self) -> None:
        super().clean()
        self.mac = normalise_mac(self.mac)

    def __str__(self) -> str:
        return self.adi
