"""Base maps an administrator configures (e.g. the municipality's orthophoto service)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Only web addresses: no file:, ftp:, javascript: or data: sources on anyone's map.
http_url = URLValidator(schemes=["http", "https"])


class BaseMapKind(models.TextChoices):
    XYZ = "xyz", _("XYZ tiles ({z}/{x}/{y})")
    WMTS = "wmts", _("WMTS (REST or KVP, Web Mercator tile matrix set)")
    WMS = "wms", _("WMS")


class BaseMap(models.Model):
    """One background map offered in every map's switcher, below the municipality's own layers."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=BaseMapKind.choices, default=BaseMapKind.XYZ)
    url = models.CharField(
        _("URL"), max_length=500, validators=[http_url],
        help_text=_("XYZ: a template with {z}, {x} and {y}. WMS / WMTS: the service address."),
    )
    attribution = models.CharField(_("attribution"), max_length=200, blank=True)
    layers = models.CharField(
        _("layers"), max_length=200, blank=True,
        help_text=_("WMS: comma-separated layer names. WMTS: the layer identifier."),
    )
    image_format = models.CharField(_("image format"), max_length=30, default="image/png")
    matrix_set = models.CharField(
        _("tile matrix set"), max_length=60, blank=True, default="GoogleMapsCompatible",
        help_text=_("WMTS only: a Web Mercator matrix set with zoom levels as identifiers."),
    )
    min_zoom = models.PositiveSmallIntegerField(_("minimum zoom"), default=0, validators=[MaxValueValidator(22)])
    max_zoom = models.PositiveSmallIntegerField(
        _("maximum zoom"), default=20, validators=[MinValueValidator(1), MaxValueValidator(22)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(_("default"), default=False,
                                     help_text=_("Shown when a map opens (only one base map can be the default)."))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("base map")
        verbose_name_plural = _("base maps")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="%(app_label)s_%(class)s_one_default"),
            models.CheckConstraint(condition=models.Q(min_zoom__lte=models.F("max_zoom")),
                                   name="%(app_label)s_%(class)s_zoom_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == BaseMapKind.XYZ and not all(p in self.url for p in ("{z}", "{x}", "{y}")):
            raise ValidationError({"url": _("An XYZ address needs {z}, {x} and {y}.")})
        if self.kind in (BaseMapKind.WMS, BaseMapKind.WMTS) and not self.layers.strip():
            raise ValidationError({"layers": _("A WMS or WMTS base map needs its layer name(s).")})
        if self.min_zoom > self.max_zoom:
            raise ValidationError({"min_zoom": _("The minimum zoom is above the maximum zoom.")})

    def as_json(self) -> dict:
        """For the map's JSON configuration."""
        return {"id": f"basemap-{self.pk}", "name": self.name, "kind": self.kind, "url": self.url,
                "attribution": self.attribution, "layers": self.layers, "format": self.image_format,
                "matrixSet": self.matrix_set or "GoogleMapsCompatible",
                "minZoom": self.min_zoom, "maxZoom": self.max_zoom, "default": self.is_default}
