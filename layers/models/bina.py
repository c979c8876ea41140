"""BI – Bina: building footprints."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class BinaYapiGrubuTipi(models.TextChoices):
    A_GRUBU = "AGrubu", _("Group A")
    B_GRUBU = "BGrubu", _("Group B")
    C_GRUBU = "CGrubu", _("Group C")
    D_GRUBU = "DGrubu", _("Group D")
    DIGER = "diger", _("Other")


class BinaYapiSinifiTipi(models.TextChoices):
    SINIF_1 = "1Sinif", _("Class 1")
    SINIF_2 = "2Sinif", _("Class 2")
    SINIF_3 = "3Sinif", _("Class 3")
    DIGER = "diger", _("Other")


class Bina(TucbsFeature):
    """A building footprint with its MAKS identifier and floor counts."""

    geometry_type = "MultiPolygon"

    bina_kimlik_no = models.BigIntegerField(
        _("building id (MAKS)"), unique=True, db_column="binaKimlikNo",
        validators=[MinValueValidator(1)],
    )
    adi = models.CharField(_("name"), max_length=150, blank=True, db_column="adi")
    zemin_ustu_kat_sayisi = models.PositiveSmallIntegerField(
        _("floors above ground"), db_column="zeminUstuKatSayisi",
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    zemin_alti_kat_sayisi = models.PositiveSmallIntegerField(
        _("floors below ground"), default=0, db_column="zeminAltiKatSayisi",
        validators=[MaxValueValidator(20)],
    )
    bagimsiz_bolum_sayisi = models.PositiveSmallIntegerField(
        _("independent units"), default=1, db_column="bagimsizBolumSayisi",
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    yapi_grubu_tipi = models.CharField(
        _("building group"), max_length=10, db_column="yapiGrubuTipi",
        choices=BinaYapiGrubuTipi.choices, default=BinaYapiGrubuTipi.DIGER,
    )
    yapi_sinifi_tipi = models.CharField(
        _("building class"), max_length=10, db_column="yapiSinifiTipi",
        choices=BinaYapiSinifiTipi.choices, default=BinaYapiSinifiTipi.DIGER,
    )
    yapi_kullanim_izni_tarihi = models.DateField(
        _("occupancy permit date"), null=True, blank=True, db_column="yapiKullanimIzniTarihi"
    )
    geom = models.MultiPolygonField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["bina_kimlik_no"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return self.adi or str(self.bina_kimlik_no)
