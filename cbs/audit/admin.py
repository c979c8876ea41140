"""Read-only admin views of the logs (administrators filter; nobody edits)."""

from django.contrib import admin

from cbs.admin_views import ReadOnlyAdmin

from .models import AccessRecord, AuditRecord, ChainHead, DestructionRecord


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
