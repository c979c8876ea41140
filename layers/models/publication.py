"""Publication state of a layer: nothing leaves the municipality before approval."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    TASLAK = "taslak", _("Draft (internal)")
    ONAYLI = "onayli", _("Approved")
    HERKESE_ACIK = "herkese_acik", _("Public")
    PROTOKOLLU = "protokollu", _("Partners under protocol")


class LayerPublication(models.Model):
    """The publication state of one registered layer (no row = draft)."""

    layer = models.CharField(_("layer"), max_length=60, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=PublicationState.choices,
                             default=PublicationState.TASLAK)
    decision_number = models.CharField(_("council decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("council decision date"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("layer publication")
        verbose_name_plural = _("layer publications")
        ordering = ["layer"]

    def __str__(self) -> str:
        return f"{self.layer}: {self.get_state_display()}"
