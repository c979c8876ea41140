"""Administrators manage staff permissions (per layer / module, optionally per area) here."""

from django import forms
from django.contrib import admin

from cbs.audit.admin_mixins import AuditedAdminMixin
from cbs.widgets import CheckedAutocompleteSelect

from .models import Grant, LoginFailure
from .selectors import resource_choices


class GrantForm(forms.ModelForm):
    resource = forms.ChoiceField(choices=resource_choices)

    class Meta:
        model = Grant
        fields = ("resource", "level", "group", "user", "areas")


@admin.register(Grant)
class GrantAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = GrantForm
    list_display = ("resource", "level", "group", "user")
    list_filter = ("level", "group", "resource")
    filter_horizontal = ("areas",)
    autocomplete_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("time", "username", "source_ip")
    search_fields = ("username", "source_ip")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Users and groups: the stock admin pages, with their writes in the audit trail.
from django.contrib.auth.admin import GroupAdmin, UserAdmin  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was accepted
            user = User.objects.get(pk=id)
            self._audit(request, user, "password_reset", None, {"username": user.username})
        return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass
