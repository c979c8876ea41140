"""Partner institutions (Kurum), their data-sharing protocols and API tokens."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbs.models import exactly_one_of


class Kurum(models.Model):
    """A partner institution that consumes our OGC API under a protocol."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Protokol(models.Model):
    """A data-sharing protocol: which layers an institution may read, and when."""

    kurum = models.ForeignKey(Kurum, verbose_name=_("institution"), on_delete=models.CASCADE,
                              related_name="protokoller")
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("protocol number"), max_length=50, blank=True)
    layers = ArrayField(models.CharField(max_length=60), verbose_name=_("layers"),
                        help_text=_("Collection ids, e.g. bi-bina, ad-numarataj."))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["-valid_to"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="%(app_label)s_%(class)s_valid_range"),
        ]

    def clean(self) -> None:
        from layers.registry import all_layers

        known = {layer.name for layer in all_layers()}
        unknown = sorted(set(self.layers or []) - known)
        if unknown:
            raise ValidationError({"layers": _("Unknown layers: %(names)s") % {"names": ", ".join(unknown)}})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The protocol ends before it starts.")})

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.valid_from <= today <= self.valid_to

    def __str__(self) -> str:
        return f"{self.kurum}: {self.title}"


class ApiToken(models.Model):
    """An API token of a partner institution (read only) or of a member of staff (may write,
    within the staff member's rights); only its SHA-256 is stored (the value is shown once)."""

    kurum = models.ForeignKey(Kurum, verbose_name=_("institution"), on_delete=models.CASCADE,
                              related_name="tokens", null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"),
                             on_delete=models.CASCADE, related_name="api_tokens", null=True,
                             blank=True)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    digest = models.CharField(_("SHA-256"), max_length=64, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    allowed_ips = ArrayField(models.CharField(max_length=50), verbose_name=_("allowed IPs"),
                             default=list, blank=True,
                             help_text=_("Addresses or networks (CIDR); empty: any address."))
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
        constraints = [
            exactly_one_of("kurum", "user",
                           message=_("A token belongs to either an institution or a staff member.")),
        ]

    def __str__(self) -> str:
        return f"{self.kurum or self.user} – {self.name} ({self.prefix}…)"
