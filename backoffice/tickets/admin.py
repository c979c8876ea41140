"""Admin: reference data of the help desk (teams, categories, SLA targets, holidays), audited.
Tickets themselves change only through the help-desk screens (the services)."""

from django.contrib import admin

from cbs.audit.admin_mixins import AuditedAdminMixin

from .models import Category, Holiday, MailboxMessage, SlaPolicy, Team, Ticket


@admin.register(Team, Category, SlaPolicy, Holiday)
class ReferenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "status", "priority", "team", "assignee", "created_at")
    list_filter = ("status", "priority", "team")
    search_fields = ("number", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MailboxMessage)
class MailboxMessageAdmin(admin.ModelAdmin):
    """What the e-mail intake read (read-only): outcome and reason per message."""

    list_display = ("received_at", "outcome", "ticket", "reason", "mailbox", "uid")
    list_filter = ("outcome",)
    search_fields = ("message_id", "ticket__number")
    readonly_fields = [f.name for f in MailboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
