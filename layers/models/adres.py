"""AD – Adres: roads (CSBM) and door numbers (numarataj)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class YolYolTipi(models.TextChoices):
    CADDE = "cadde", _("Avenue (cadde)")
    SOKAK = "sokak", _("Street (sokak)")
    BULVAR = "bulvar", _("Boulevard (bulvar)")
    MEYDAN = "meydan", _("Square (meydan)")
    KUME_EVLER = "kumeEvler", _("Housing cluster (küme evler)")


class Yol(TucbsFeature):
    """A named road (CSBM) of the address system; centre line geometry."""

    geometry_type = "LineString"

    adi = models.CharField(_("name"), max_length=150, db_column="adi")
    yol_tipi = models.CharField(
        _("road type"), max_length=20, db_column="yolTipi", choices=YolYolTipi.choices
    )
    uavt_kodu = models.BigIntegerField(
        _("UAVT road code"), null=True, blank=True, unique=True, db_column="uavtKodu",
        validators=[MinValueValidator(1)],
    )
    geom = models.LineStringField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("road")
        verbose_name_plural = _("roads")
        ordering = ["adi"]
        constraints = [
            valid_geometry_constraint(),
            models.UniqueConstraint(
                fields=["adi", "yol_tipi"], name="%(app_label)s_%(class)s_unique_name_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adi} {self.get_yol_tipi_display()}"


class NumaratajNumaratajTipi(models.TextChoices):
    ANA_GIRIS = "anaGiris", _("Main entrance")
    TALI_GIRIS = "taliGiris", _("Side entrance")
    SERVIS_GIRISI = "servisGirisi", _("Service entrance")
    ACIL_CIKIS = "acilCikis", _("Emergency exit")


class Numarataj(TucbsFeature):
    """A door number (dış kapı) at a building entrance."""

    geometry_type = "Point"

    kapi_numarasi = models.CharField(
        _("door number"), max_length=10, db_column="kapiNumarasi",
        validators=[RegexValidator(r"^[1-9][0-9]{0,4}(/?[A-Z])?$",
                                   _("A door number is digits, optionally followed by a letter (12, 12A)."))],
    )
    numarataj_tipi = models.CharField(
        _("entrance type"), max_length=20, db_column="numaratajTipi",
        choices=NumaratajNumaratajTipi.choices, default=NumaratajNumaratajTipi.ANA_GIRIS,
    )
    bina = models.ForeignKey(
        "layers.Bina", verbose_name=_("building"), to_field="bina_kimlik_no",
        db_column="binaKodu", null=True, blank=True, on_delete=models.PROTECT,
        related_name="numaratajlar",
    )
    uavt_adres_no = models.BigIntegerField(
        _("UAVT address number"), unique=True, db_column="uavtAdresNo",
        validators=[MinValueValidator(1_000_000_000), MaxValueValidator(9_999_999_999)],
        help_text=_("Ten digits, unique per address."),
    )
    posta_kodu = models.CharField(
        _("postal code"), max_length=5, db_column="postaKodu",
        validators=[RegexValidator(r"^[0-9]{5}$", _("A postal code has five digits."))],
    )
    yol = models.ForeignKey(
        Yol, verbose_name=_("road"), to_field="tucbs_no", db_column="yol",
        on_delete=models.PROTECT, related_name="numaratajlar",
    )
    mahalle = models.ForeignKey(
        "layers.Mahalle", verbose_name=_("neighbourhood"), to_field="uavt_kodu",
        db_column="mahalle", on_delete=models.PROTECT, related_name="numaratajlar",
    )
    geom = models.PointField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("door number")
        verbose_name_plural = _("door numbers")
        ordering = ["yol", "kapi_numarasi"]
        constraints = [valid_geometry_constraint()]

    def __str__(self) -> str:
        return f"{self.yol_id} No:{self.kapi_numarasi}"
