from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """Field collection without a connection: the installable /saha/ app and its sync endpoints."""

    name = "field"
    verbose_name = _("Field collection")
    default_auto_field = "django.db.models.BigAutoField"
