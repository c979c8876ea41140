"""What every TUCBS feature carries: identity, version life span, validity, geometry checks."""

from functools import lru_cache

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from layers.geometry import has_non_finite


class TucbsFeature(models.Model):
    """Abstract base of every layer model; published property names are the db columns."""

    # Which geometry class the layer accepts (set by each concrete model).
    geometry_type: str = ""

    tucbs_no = models.BigIntegerField(
        _("TUCBS no"), unique=True, db_column="tucbsNo",
        help_text=_("Stable identifier of the feature inside its dataset."),
    )
    surum_baslangic_zamani = models.DateTimeField(
        _("version start"), db_column="surumBaslangicZamani"
    )
    surum_bitis_zamani = models.DateTimeField(
        _("version end"), null=True, blank=True, db_column="surumBitisZamani"
    )
    gecerlilik_baslangici = models.DateField(
        _("valid from"), null=True, blank=True, db_column="gecerlilikBaslangici"
    )
    gecerlilik_sonu = models.DateField(
        _("valid to"), null=True, blank=True, db_column="gecerlilikSonu"
    )
    # Optimistic-locking counter; bumped by every service write.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if (
            self.gecerlilik_baslangici
            and self.gecerlilik_sonu
            and self.gecerlilik_sonu < self.gecerlilik_baslangici
        ):
            errors["gecerlilik_sonu"] = [_("The end of validity is before its start.")]
        geom_errors = geometry_problems(self.geom, self.geometry_type)
        if geom_errors:
            errors["geom"] = geom_errors
        if errors:
            raise ValidationError(errors)


@lru_cache(maxsize=4)
def _municipality_area(bbox: tuple[float, ...], srid: int) -> GEOSGeometry:
    envelope = Polygon.from_bbox(bbox)
    envelope.srid = 4326
    area = envelope.transform(srid, clone=True)
    area.prepared  # noqa: B018  (build the prepared geometry once)
    return area


def municipality_area() -> GEOSGeometry:
    """The municipality's bounding box (CBS_MAP_BBOX, lon/lat) in the storage CRS."""
    return _municipality_area(tuple(settings.CBS_MAP_BBOX), settings.CBS_SRID)


def geometry_problems(geom: GEOSGeometry | None, expected_type: str) -> list:
    """Reasons a geometry cannot be stored in a layer, in the user's language."""
    if geom is None:
        return [_("A geometry is required.")]
    if geom.empty:
        return [_("The geometry is empty.")]
    if geom.geom_type != expected_type:
        return [
            _("Wrong geometry type: %(got)s given, this layer takes %(expected)s.")
            % {"got": geom.geom_type, "expected": expected_type}
        ]
    if geom.num_coords > settings.CBS_MAX_VERTICES:
        return [
            _("Too many vertices: %(count)d (at most %(max)d).")
            % {"count": geom.num_coords, "max": settings.CBS_MAX_VERTICES}
        ]
    if has_non_finite(geom):
        return [_("The geometry has non-finite coordinates.")]
    if geom.srid != settings.CBS_SRID:
        return [
            _("The geometry is in EPSG:%(srid)s; it must be transformed to EPSG:%(storage)s.")
            % {"srid": geom.srid, "storage": settings.CBS_SRID}
        ]
    if not geom.valid:
        return [_("Invalid geometry: %(reason)s") % {"reason": geom.valid_reason}]
    if not municipality_area().prepared.contains(geom):
        return [_("The geometry lies outside the municipality.")]
    return []


def valid_geometry_constraint() -> models.CheckConstraint:
    """Database guard: nothing stores an invalid geometry, whatever path it takes."""
    from django.contrib.gis.db.models.functions import IsValid

    return models.CheckConstraint(
        condition=IsValid("geom"), name="%(app_label)s_%(class)s_valid_geom",
        violation_error_message=_("The geometry is not valid."),
    )
