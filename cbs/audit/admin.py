"""Read-only admin views of the logs (administrators filter; nobody edits)."""

from django.contrib import admin

from .models import AccessRecord, AuditRecord, ChainHead, DestructionRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are appended by services only: no add, change or delete from the UI."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("time", "actor", "action", "object_type", "object_id", "object_repr", "source_ip")
    list_filter = ("action", "object_type", "time")
    search_fields = ("actor", "object_id", "object_repr", "request_id")
    date_hierarchy = "time"


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("time", "source_ip", "user", "institution", "method", "path", "status", "bytes")
    list_filter = ("method", "status", "time")
    search_fields = ("path", "user", "institution", "source_ip", "request_id", "purpose")
    date_hierarchy = "time"


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("log", "day", "count", "last_hash")
    list_filter = ("log",)


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyAdmin):
    list_display = ("log", "first_day", "last_day", "records", "destroyed_at", "actor")
