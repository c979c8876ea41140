"""Admin pages of non-layer models record their writes in the audit trail too."""

from django.contrib import admin
from django.forms.models import model_to_dict

from .services import audit_record


def snapshot(obj) -> dict:
    data = model_to_dict(obj)
    # Many-to-many values come back as model instances; keep their ids.
    return {k: ([getattr(v, "pk", v) for v in val] if isinstance(val, list | tuple) else val)
            for k, val in data.items() if k != "password"}


class AuditedAdminMixin(admin.ModelAdmin):
    """save/delete through the admin append before/after to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "update" if change else "create", before, snapshot(obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance._meta.many_to_many:  # m2m values exist only now
            self._audit(request, form.instance, "update_relations", None, snapshot(form.instance))

    def delete_model(self, request, obj):
        before = snapshot(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        self._audit(request, obj, "delete", before, None)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    @staticmethod
    def _audit(request, obj, action, before, after) -> None:
        audit_record(action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
                     object_repr=str(obj), before=before, after=after, user=request.user)
