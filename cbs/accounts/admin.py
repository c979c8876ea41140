"""Administrators manage staff permissions (per layer / module, optionally per area) here."""

from django import forms
from django.contrib import admin

from .models import Grant, LoginFailure
from .selectors import resource_choices


class GrantForm(forms.ModelForm):
    resource = forms.ChoiceField(choices=resource_choices)

    class Meta:
        model = Grant
        fields = ("resource", "level", "group", "user", "areas")


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    form = GrantForm
    list_display = ("resource", "level", "group", "user")
    list_filter = ("level", "group", "resource")
    filter_horizontal = ("areas",)
    autocomplete_fields = ("user",)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("time", "username", "source_ip")
    search_fields = ("username", "source_ip")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
