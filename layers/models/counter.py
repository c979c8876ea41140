"""Per-layer counters: the last tucbsNo handed out (never reused) and the data generation."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class LayerCounter(models.Model):
    """One row per layer; written only through layers.services (row-locked upserts)."""

    layer = models.CharField(_("layer"), max_length=60, unique=True)
    last_tucbs_no = models.BigIntegerField(_("last TUCBS no"), default=0)
    # Bumped by every write to the layer: caches of derived data (tiles) key on it.
    generation = models.BigIntegerField(_("data generation"), default=0)
    # Bumped by metadata changes and imports: the generated OGC configuration keys on it.
    config_generation = models.BigIntegerField(_("configuration generation"), default=0, db_default=0)

    class Meta:
        verbose_name = _("layer counter")
        verbose_name_plural = _("layer counters")

    def __str__(self) -> str:
        return f"{self.layer}: {self.last_tucbs_no} / {self.generation}"
