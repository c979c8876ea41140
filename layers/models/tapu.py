"""TK – Tapu Kadastro: cadastral parcels (TKGM data under protocol, never re-published)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .base import TucbsFeature, valid_geometry_constraint


class Parsel(TucbsFeature):
    """A cadastral parcel; natural key (mahalle, ada, parsel)."""

    geometry_type = "MultiPolygon"

    mahalle = models.ForeignKey(
        "layers.Mahalle", verbose_name=_("neighbourhood"), to_field="uavt_kodu",
        db_column="mahalle", on_delete=models.PROTECT, related_name="parseller",
    )
    ada_no = models.PositiveIntegerField(
        _("block (ada)"), db_column="adaNo", validators=[MaxValueValidator(99_999)]
    )
    parsel_no = models.PositiveIntegerField(
        _("parcel"), db_column="parselNo", validators=[MinValueValidator(1), MaxValueValidator(99_999)]
    )
    nitelik = models.CharField(_("land-register quality"), max_length=100, db_column="nitelik")
    alan = models.DecimalField(
        _("area (m²)"), max_digits=12, decimal_places=2, db_column="alan",
        validators=[MinValueValidator(0)],
    )
    geom = models.MultiPolygonField(_("geometry"), srid=settings.CBS_SRID)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["ada_no", "parsel_no"]
        constraints = [
            valid_geometry_constraint(),
            models.UniqueConstraint(
                fields=["mahalle", "ada_no", "parsel_no"],
                name="%(app_label)s_%(class)s_unique_ada_parsel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ada_no}/{self.parsel_no}"
