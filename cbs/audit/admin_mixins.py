"""Admin pages of non-layer models record their writes in the audit trail too."""

from django.contrib import admin

from .services import audit_model_write, model_snapshot


class AuditedAdminMixin(admin.ModelAdmin):
    """save/delete through the admin append before/after to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = model_snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "update" if change else "create", before, model_snapshot(obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance._meta.many_to_many:  # m2m values exist only now
            self._audit(request, form.instance, "update_relations", None, model_snapshot(form.instance))

    def delete_model(self, request, obj):
        before = model_snapshot(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        self._audit(request, obj, "delete", before, None)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    @staticmethod
    def _audit(request, obj, action, before, after) -> None:
        audit_model_write(action=action, obj=obj, before=before, after=after, user=request.user)
