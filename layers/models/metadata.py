"""What the GIS unit maintains about a layer for the TUCBS metadata minimum (the rest is computed)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UpdateFrequency(models.TextChoices):
    """ISO 19115 MD_MaintenanceFrequencyCode."""

    CONTINUAL = "continual", _("continual")
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    ANNUALLY = "annually", _("annually")
    AS_NEEDED = "asNeeded", _("as needed")
    IRREGULAR = "irregular", _("irregular")


class LayerMetadata(models.Model):
    """One row per layer; empty fields fall back to the registry and settings."""

    layer = models.CharField(_("layer"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True,
                                help_text=_("Comma separated, in addition to the TUCBS theme."))
    lineage = models.TextField(_("lineage"), blank=True, help_text=_("Where the data comes from and how it is kept."))
    update_frequency = models.CharField(_("update frequency"), max_length=20, choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.CONTINUAL)
    scale_denominator = models.PositiveIntegerField(_("scale (1:n)"), default=1000)
    use_limitation = models.TextField(_("use limitation"), blank=True)
    contact_name = models.CharField(_("contact person or unit"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("layer metadata")
        verbose_name_plural = _("layer metadata")

    def __str__(self) -> str:
        return self.layer

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]
