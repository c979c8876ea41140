"""Read-only admin pages of what devices sent: changes (each applied once) and photos."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import FieldChange, FieldPhoto


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the field services; the admin shows, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyAdmin):
    list_display = ("applied_at", "user", "layer", "operation", "tucbs_no", "version", "made_at")
    list_filter = ("layer", "operation")
    search_fields = ("=tucbs_no", "=id")


@admin.register(FieldPhoto)
class FieldPhotoAdmin(ReadOnlyAdmin):
    list_display = ("uploaded_at", "user", "layer", "tucbs_no", "size", "open_photo")
    list_filter = ("layer",)
    search_fields = ("=tucbs_no",)

    @admin.display(description=_("Photo"))
    def open_photo(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("field:photo_file", args=[obj.pk]), _("open"))
