"""AK – Arazi Kullanımı: zoning plan areas (imar planı)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class ImarPlaniPlanTuru(models.TextChoices):
    CEVRE_DUZENI = "CevreDuzeniPlani", _("Environmental plan")
    NAZIM = "NazimImarPlani", _("Master zoning plan")
    UYGULAMA = "UygulamaImarPlani", _("Implementation zoning plan")


class ImarPlaniKullanimKarari(models.TextChoices):
    KONUT = "konut", _("Residential")
    TICARET = "ticaret", _("Commercial")
    KONUT_TICARET = "konutTicaret", _("Residential and commercial")
    SANAYI = "sanayi", _("Industrial")
    EGITIM = "egitim", _("Education")
    SAGLIK = "saglik", _("Health")
    PARK = "parkYesilAlan", _("Park / green area")
    DINI = "dini", _("Religious facility")
    RESMI_KURUM = "resmiKurum", _("Public institution")
    TEKNIK_ALTYAPI = "teknikAltyapi", _("Technical infrastructure")


class ImarPlani(TucbsFeature):
    """An area of a zoning plan with its land-use decision."""

    geometry_type = "MultiPolygon"

    plan_adi = models.CharField(_("plan name"), max_length=200, db_column="planAdi")
    plan_turu = models.CharField(
        _("plan type"), max_length=20, db_column="planTuru", choices=ImarPlaniPlanTuru.choices
    )
    plan_islem_numarasi = models.CharField(
        _("plan process number (PİN)"), max_length=40, db_column="planIslemNumarasi"
    )
    onay_tarihi = models.DateField(_("approval date"), db_column="onayTarihi")
    planli_arazi_kullanim_karari_deger = models.CharField(
        _("land-use decision"), max_length=20, db_column="planliAraziKullanimKarariDeger",
        choices=ImarPlaniKullanimKarari.choices,
    )
    geom = models.MultiPolygonField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("zoning plan area")
        verbose_name_plural = _("zoning plan areas")
        ordering = ["plan_adi"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return self.plan_adi
