"""Per-layer and per-module permissions for staff groups and users, optionally area-limited."""

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


class LoginFailure(models.Model):
    """A failed login, kept to lock out repeated guessing."""

    username = models.CharField(_("user name"), max_length=150, db_index=True)
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-time"]
