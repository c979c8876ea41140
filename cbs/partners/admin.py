"""Partner institutions, protocols and tokens (a token's value is shown once, on creation)."""

from django import forms
from django.contrib import admin, messages

from cbs.audit.admin_mixins import AuditedAdminMixin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Kurum, Protokol
from .tokens import token_create, token_revoke


class ProtokolInline(admin.TabularInline):
    model = Protokol
    extra = 0


@admin.register(Kurum)
class KurumAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "contact_name", "contact_email", "active")
    search_fields = ("name", "short_name")
    inlines = [ProtokolInline]


@admin.register(Protokol)
class ProtokolAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("kurum", "title", "number", "valid_from", "valid_to")
    list_filter = ("kurum",)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("kurum", "user", "name", "expires_at", "allowed_ips", "rate_limit_per_minute")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "kurum", "user", "prefix", "created", "expires_at", "revoked_at", "last_used")
    list_filter = ("kurum",)
    readonly_fields = ("prefix", "created", "revoked_at", "last_used")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's scope never changes after it is handed out: revoke and issue a new one.
        if obj is not None:
            return ("kurum", "user", "name", "expires_at", "allowed_ips", "rate_limit_per_minute",
                    *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        token, value = token_create(
            kurum=obj.kurum, owner=obj.user, name=obj.name, expires_at=obj.expires_at,
            allowed_ips=obj.allowed_ips, rate_limit_per_minute=obj.rate_limit_per_minute,
            user=request.user)
        obj.pk = token.pk
        self.message_user(request, _("Token created. Copy it now, it will not be shown again: %(value)s")
                          % {"value": value}, messages.WARNING)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            token_revoke(token=token, user=request.user)
        self.message_user(request, _("%(n)d token(s) revoked.") % {"n": queryset.count()})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the audit trail keeps the token's history
