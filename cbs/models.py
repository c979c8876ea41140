"""Abstract bases shared by the apps (no concrete models here)."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Created / updated timestamps."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
