"""The backup page for administrators: the records of backups, restores and drills (read-only),
headed by the state of things (newest backup, newest drill, RPO/RTO, warnings)."""

import json

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cbs.admin_views import ReadOnlyAdmin

from . import selectors, services
from .models import BackupAlert, BackupRun, RunStatus


def human_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return _("%(s).1f s") % {"s": seconds}
    minutes = int(seconds // 60)
    if minutes < 120:
        return _("%(m)d min") % {"m": minutes}
    hours = minutes // 60
    if hours < 72:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes % 60}
    return _("%(d)d days") % {"d": hours // 24}


STATUS_COLOURS = {RunStatus.SUCCEEDED: "#2e7d32", RunStatus.FAILED: "#c62828", RunStatus.RUNNING: "#1565c0"}


@admin.register(BackupRun)
class BackupRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "kind", "status_badge", "name", "size", "duration", "rpo", "rto", "short_error")
    list_filter = ("kind", "status")
    search_fields = ("name", "error", "actor")
    date_hierarchy = "started_at"
    fields = ("kind", "status", "name", "path", "offsite_path", "actor", "started_at", "finished_at", "heartbeat",
              "host", "pid", "size", "duration", "rpo", "rto", "error", "checks_pretty")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<strong style="color:{}">{}</strong>', STATUS_COLOURS.get(obj.status, "inherit"),
                           obj.get_status_display())

    @admin.display(description=gettext_lazy("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes) if obj.size_bytes is not None else "–"

    @admin.display(description=gettext_lazy("duration"))
    def duration(self, obj):
        return human_seconds(obj.duration_seconds)

    @admin.display(description=gettext_lazy("RPO"), ordering="rpo_seconds")
    def rpo(self, obj):
        return human_seconds(obj.rpo_seconds) if obj.rpo_seconds is not None else "–"

    @admin.display(description=gettext_lazy("RTO"), ordering="rto_seconds")
    def rto(self, obj):
        return human_seconds(obj.rto_seconds) if obj.rto_seconds is not None else "–"

    @admin.display(description=gettext_lazy("error"))
    def short_error(self, obj):
        return (obj.error[:120] + "…") if len(obj.error) > 120 else obj.error

    @admin.display(description=gettext_lazy("checks"))
    def checks_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.checks, indent=2, ensure_ascii=False))

    def changelist_view(self, request, extra_context=None):
        services.reap()  # a killed run shows as failed, never "running" forever
        overview = selectors.overview()
        overview["backup_age"] = human_seconds(overview["backup_age_seconds"])
        for key in ("last_success", "last_drill", "last_good_drill"):
            run = overview[key]
            if run is not None:
                run.size_text = filesizeformat(run.size_bytes) if run.size_bytes is not None else "–"
                run.rpo_text, run.rto_text = human_seconds(run.rpo_seconds), human_seconds(run.rto_seconds)
                run.duration_text = human_seconds(run.duration_seconds)
        title = str(self.model._meta.verbose_name_plural)
        return super().changelist_view(request, {**(extra_context or {}), "overview": overview,
                                                 "title": title[:1].upper() + title[1:]})


@admin.register(BackupAlert)
class BackupAlertAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "reason", "subject", "recipients", "error")
    list_filter = ("reason",)
