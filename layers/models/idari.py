"""ID – İdari Birimler: mahalle boundaries."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class MahalleIdariHiyerarsiDuzeyKodu(models.TextChoices):
    MAHALLE = "mahalle", _("Neighbourhood (mahalle)")
    BELEDIYE = "belediye", _("Municipality (belediye)")


class Mahalle(TucbsFeature):
    """A neighbourhood (mahalle) boundary with its UAVT code and population."""

    geometry_type = "MultiPolygon"

    adi = models.CharField(_("name"), max_length=100, db_column="adi")
    uavt_kodu = models.PositiveIntegerField(
        _("UAVT mahalle code"), unique=True, db_column="uavtKodu",
        validators=[MinValueValidator(1), MaxValueValidator(9_999_999)],
    )
    idari_hiyerarsi_duzey_kodu = models.CharField(
        _("administrative level"), max_length=20, db_column="idariHiyerarsiDuzeyKodu",
        choices=MahalleIdariHiyerarsiDuzeyKodu.choices,
        default=MahalleIdariHiyerarsiDuzeyKodu.MAHALLE,
    )
    nufus = models.PositiveIntegerField(
        _("population"), null=True, blank=True, db_column="nufus",
        validators=[MaxValueValidator(5_000_000)],
    )
    geom = models.MultiPolygonField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["adi"]
        constraints = [
            valid_geometry_constraint(),
            models.UniqueConstraint(fields=["adi"], name="%(app_label)s_%(class)s_unique_adi"),
        ]

    def __str__(self) -> str:
        return self.adi
