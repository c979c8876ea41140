"""Administrators manage staff permissions (per layer / module, optionally per area) here."""

from axes.admin import AccessAttemptAdmin
from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cbs.audit.admin_mixins import AuditedAdminMixin
from cbs.widgets import CheckedAutocompleteSelect

from .lockout import active_lockouts, lockout_reset
from .models import Grant, GrantLevel, LoginLockout
from .selectors import EffectivePermission, Widening, effective_permissions, resource_choices


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the areas exist only now
        grant = form.instance
        users = [grant.user] if grant.user_id else grant.group.user_set.all() if grant.group_id else []
        for user in users:
            for permission in effective_permissions(user=user):
                for widening in permission.widenings:
                    messages.warning(request, widening_message(user, permission, widening))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)



# Login lockouts (django-axes' failed attempts): an administrator finds them under "Staff and
# permissions → Login lockouts" or on the user's page, and lifts one with the action below
# (audited). django-axes' own pages go: its attempts are listed here under that name, and its
# access and failure logs are off (AXES_DISABLE_ACCESS_LOG; our chained access log has logins).
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class LockedNowFilter(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        locked = Q(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                   attempt_time__gte=timezone.now() - get_cool_off())
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(LoginLockout)
class LockoutAttemptAdmin(AuditedAdminMixin, AccessAttemptAdmin):
    list_display = ("username", "ip_address", "failures_since_start", "lock_state", "attempt_time",
                    "path_info")
    list_filter = (LockedNowFilter, "attempt_time")
    actions = ["lift_lockout"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "lift the lockout" says what deleting does
        return actions

    @admin.display(description=_("lockout"))
    def lock_state(self, obj: AccessAttempt) -> str:
        until = obj.attempt_time + get_cool_off()
        if until <= timezone.now():
            return _("expired")
        if obj.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return _("locked from this address until %(time)s") % {
                "time": date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")}
        return _("%(n)d more failures allowed") % {
            "n": settings.AXES_FAILURE_LIMIT - obj.failures_since_start}

    @admin.action(description=_("Lift the lockout (user name from this address)"),
                  permissions=["delete"])
    def lift_lockout(self, request, queryset) -> None:
        pairs = set(queryset.values_list("username", "ip_address"))
        removed = sum(lockout_reset(username=username, address=address, user=request.user)
                      for username, address in pairs)
        self.message_user(request, _("Lockout lifted for %(pairs)d user name/address pairs "
                                     "(%(count)d records removed).")
                          % {"pairs": len(pairs), "count": removed}, messages.SUCCESS)


# Users and groups: the stock admin pages, with their writes in the audit trail.
from django.contrib.auth.admin import GroupAdmin, UserAdmin  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402

admin.site.unregister(User)
admin.site.unregister(Group)


def widening_message(user, permission: EffectivePermission, widening: Widening) -> str:
    """The administrator's warning that a grant makes a user's own grant meaningless."""
    values = {"user": user.get_username(), "title": permission.title, "source": widening.source,
              "areas": ", ".join(m.adi for m in widening.own.areas.all()),
              "outside": ", ".join(widening.outside or ())}
    if widening.own.level == GrantLevel.VIEW:
        if widening.outside is None:
            text = _("“%(title)s”: %(user)s may edit it in the whole municipality through the grant "
                     "of %(source)s, although their own grant gives view only.")
        else:
            text = _("“%(title)s”: %(user)s may edit it in %(outside)s through the grant of "
                     "%(source)s, although their own grant gives view only.")
    elif widening.outside is None:
        text = _("“%(title)s”: %(user)s may edit it in the whole municipality through the grant "
                 "of %(source)s, although their own grant limits editing to %(areas)s.")
    else:
        text = _("“%(title)s”: %(user)s may edit it also in %(outside)s through the grant of "
                 "%(source)s, although their own grant limits editing to %(areas)s.")
    return text % values


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    # The stock page plus, below the fields, what the user may effectively do and their lockouts.
    change_form_template = "admin/auth/user/cbs_change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None:
            permissions = effective_permissions(user=user)
            if request.method == "GET":
                for permission in permissions:
                    for widening in permission.widenings:
                        messages.warning(request, widening_message(user, permission, widening))
            extra_context = {
                **(extra_context or {}), "cbs_permissions": permissions,
                "cbs_lockouts": active_lockouts(username=user.get_username()),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was accepted
            user = User.objects.get(pk=id)
            self._audit(request, user, "password_reset", None, {"username": user.username})
        return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass
