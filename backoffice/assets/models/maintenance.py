"""Maintenance records: what a technician did to an asset, and with what outcome."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The asset a record belongs to: exactly one of these is set.
ASSET_FIELDS = ("site", "device", "camera", "fiber", "item")


class MaintenanceOutcome(models.TextChoices):
    FIXED = "giderildi", _("Fixed")
    PARTLY = "kismen", _("Partly fixed")
    REPLACED = "degistirildi", _("Replaced")
    NOT_FIXED = "giderilemedi", _("Not fixed")


def _exactly_one_asset() -> Q:
    return reduce(or_, (Q(**{f"{name}__isnull": name != chosen for name in ASSET_FIELDS})
                        for chosen in ASSET_FIELDS))


class MaintenanceRecord(models.Model):
    done_on = models.DateField(_("date"))
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("technician"),
                                   on_delete=models.PROTECT, related_name="+")
    fault = models.CharField(_("fault"), max_length=250)
    action = models.TextField(_("action taken"))
    parts = models.CharField(_("parts used"), max_length=250, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=MaintenanceOutcome.choices)
    site = models.ForeignKey("assets.Site", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="maintenance")
    device = models.ForeignKey("assets.NetworkDevice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="maintenance")
    camera = models.ForeignKey("assets.Camera", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="maintenance")
    fiber = models.ForeignKey("assets.FiberLink", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="maintenance")
    item = models.ForeignKey("assets.InventoryItem", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="maintenance")

    class Meta:
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-done_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=_exactly_one_asset(), name="assets_maintenance_one_asset",
            violation_error_message=_("A maintenance record belongs to exactly one asset."))]

    def asset(self):
        return next(getattr(self, name) for name in ASSET_FIELDS if getattr(self, f"{name}_id"))
