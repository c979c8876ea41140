"""The KVKK report: each retention run with the tickets it anonymised (read-only)."""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "status", "retention_days", "cutoff", "tickets_anonymised",
                    "attachments_deleted", "files_deleted", "pruned_summary", "actor")
    list_filter = ("status",)
    search_fields = ("ticket_numbers", "actor", "error")
    date_hierarchy = "started_at"
    fields = ("started_at", "finished_at", "status", "actor", "retention_days", "cutoff", "fields",
              "tickets_anonymised", "ticket_list", "attachments_deleted", "files_deleted", "files_pending",
              "pruned_pretty", "audit_link", "error")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of destruction is itself never destroyed

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("bookkeeping rows pruned"))
    def pruned_summary(self, obj):
        return ", ".join(f"{k}: {v}" for k, v in obj.pruned.items() if isinstance(v, int) and v) or "–"

    @admin.display(description=_("bookkeeping rows pruned"))
    def pruned_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.pruned, indent=2, ensure_ascii=False))

    @admin.display(description=_("tickets"))
    def ticket_list(self, obj):
        if not obj.ticket_ids:
            return "–"
        return format_html_join(", ", '<a href="{}">{}</a>', (
            (reverse("admin:tickets_ticket_change", args=[pk]), number)
            for pk, number in zip(obj.ticket_ids, obj.ticket_numbers, strict=False)))

    @admin.display(description=_("audit record"))
    def audit_link(self, obj):
        if obj.audit_record_id is None:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("admin:audit_auditrecord_change", args=[obj.audit_record_id]),
                           obj.audit_record_id)
