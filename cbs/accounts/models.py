"""Per-layer and per-module permissions for staff groups and users, optionally area-limited."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cbs.models import exactly_one_of


class GrantLevel(models.TextChoices):
    VIEW = "view", _("View")
    EDIT = "edit", _("View and edit")


class Grant(models.Model):
    """A right on one resource ("layer:bi-bina", "module:tickets") for a group or a user.

    Edit rights on a layer can be limited to some mahalle: writes whose geometry falls
    outside their union are refused.
    """

    resource = models.CharField(_("resource"), max_length=60, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=GrantLevel.choices)
    group = models.ForeignKey(Group, verbose_name=_("group"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="cbs_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             blank=True, on_delete=models.CASCADE, related_name="cbs_grants")
    areas = models.ManyToManyField("layers.Mahalle", verbose_name=_("limited to neighbourhoods"),
                                   blank=True, related_name="+",
                                   help_text=_("Empty: the whole municipality."))

    class Meta:
        verbose_name = _("permission")
        verbose_name_plural = _("permissions")
        ordering = ["resource"]
        constraints = [
            exactly_one_of("group", "user",
                           message=_("A permission belongs to either a group or a user.")),
        ]

    def clean(self) -> None:
        from .selectors import resource_choices

        if self.resource not in dict(resource_choices()):
            raise ValidationError({"resource": _("Unknown resource.")})

    def __str__(self) -> str:
        holder = self.group or self.user
        return f"{holder}: {self.resource} ({self.get_level_display()})"



class LoginLockout(AccessAttempt):
    """django-axes' failed-login counter of one user name from one address, under the name
    administrators look for: each row that reached the limit is a lockout in force."""

    class Meta:
        proxy = True
        verbose_name = _("login lockout")
        verbose_name_plural = _("login lockouts")
