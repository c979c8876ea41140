"""KH – Kamu Hizmetleri: public service points."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class KamuHizmetiHizmetTipi(models.TextChoices):
    EGITIM = "egitim", _("Education")
    GUVENLIK = "guvenlik", _("Security")
    SAGLIK = "saglik", _("Health")
    BELEDIYE = "belediye", _("Municipal service")
    YONETIM = "yonetim", _("Administration")
    ULASIM = "ulasim", _("Transport")
    KULTUREL = "kulturel", _("Culture")
    DINI = "dini", _("Religious")
    AILE_VE_SOSYAL = "aileVeSosyal", _("Family and social services")
    DIGER = "diger", _("Other")


class KamuHizmeti(TucbsFeature):
    """A public service point (school, police station, health centre …)."""

    geometry_type = "Point"

    adi = models.CharField(_("name"), max_length=150, db_column="adi")
    hizmet_tipi = models.CharField(
        _("service type"), max_length=20, db_column="hizmetTipi",
        choices=KamuHizmetiHizmetTipi.choices,
    )
    iletisim_telefon = models.CharField(
        _("telephone"), max_length=20, blank=True, db_column="Iletisim_telefon",
        validators=[RegexValidator(r"^\+?[0-9 ()-]{7,20}$", _("Enter a valid telephone number."))],
    )
    iletisim_adres = models.CharField(
        _("address"), max_length=250, blank=True, db_column="Iletisim_adres"
    )
    geom = models.PointField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("public service point")
        verbose_name_plural = _("public service points")
        ordering = ["adi"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return self.adi
