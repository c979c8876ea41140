"""UL – Ulaşım Ağları: road network centre lines."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class KarayoluHattiTahsisliSeritDegeri(models.TextChoices):
    YOK = "yok", _("None")
    OTOBUS = "otobusSeridi", _("Bus lane")
    BISIKLET = "bisikletSeridi", _("Cycle lane")
    TOPLU_TASIMA = "topluTasimaSeridi", _("Public transport lane")


class KarayoluHatti(TucbsFeature):
    """A road link (karayolu hattı) of the transport network."""

    geometry_type = "LineString"

    adi = models.CharField(_("name"), max_length=150, db_column="adi")
    sanal_mi = models.BooleanField(_("virtual link"), default=False, db_column="sanalMi")
    tahsisli_serit_degeri = models.CharField(
        _("reserved lane"), max_length=20, db_column="tahsisliSeritDegeri",
        choices=KarayoluHattiTahsisliSeritDegeri.choices,
        default=KarayoluHattiTahsisliSeritDegeri.YOK,
    )
    geom = models.LineStringField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("road link")
        verbose_name_plural = _("road links")
        ordering = ["adi"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return self.adi
