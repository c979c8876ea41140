"""Import pages: upload (/map/import/), a job's settings, check, preview, report and writing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cbs.accounts.selectors import layer_resource, user_can

from .imports import areas, checks, jobs, revert
from .imports.report import preview_geojson, report_csv
from .imports.sources import CRS_CHOICES, TABULAR, crs_label
from .models import ImportJob, ImportMode, ImportStatus, Mahalle
from .registry import all_layers, get_layer


def _editable_layers(user) -> list:
    return [layer for layer in all_layers() if user_can(user, layer_resource(layer), "edit")]


def _job(request: HttpRequest, job_id) -> ImportJob:
    jobs.reap()  # a job never shows "running" after its worker died
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or (not request.user.is_superuser and job.created_by_id != request.user.pk):
        raise Http404
    return job


def _checked_job(request: HttpRequest, job_id) -> ImportJob:
    """A job whose checked table (preview, report) exists."""
    job = _job(request, job_id)
    if job.status != ImportStatus.CHECKED:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    layers = _editable_layers(request.user)
    if not layers:
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose a file."))
            job = jobs.job_create(user=request.user, layer_name=request.POST.get("layer", ""), upload=upload)
            return redirect("layers:import_detail", job_id=job.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    jobs.reap()
    mine = ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(created_by=request.user)
    return render(request, "layers/import_list.html", {
        "layers": layers, "jobs": mine.select_related("created_by")[:50],
        "accept": ",".join(sorted({".zip", ".gpkg", ".geojson", ".json", ".kml", ".kmz", ".dxf", ".csv", ".xlsx"})),
    })


def _settings_from_post(request: HttpRequest, job: ImportJob, layer) -> dict:
    post = request.POST
    targets = checks.target_properties(layer)
    mapping = {name: post.get(f"map_{name}", "") for name in targets}
    code_map = {}
    for name in targets:
        prefix = f"code_{name}__"
        pairs = {key[len(prefix):]: value for key, value in post.items() if key.startswith(prefix) and value}
        if pairs:
            code_map[name] = pairs
    choices = {"mapping": mapping, "code_map": {**job.code_map, **code_map},
               "srid": post.get("srid") or None, "swap_axes": post.get("swap_axes") == "on",
               "skip_rejected": post.get("skip_rejected") == "on", "mode": post.get("mode", ImportMode.APPEND),
               "source_index": post.get("source_index", job.source_index)}
    if job.kind in TABULAR:
        choices["x_field"], choices["y_field"] = post.get("x_field", ""), post.get("y_field", "")
    if choices["mode"] == ImportMode.REPLACE:
        area = post.get("area", "")
        choices["area"] = areas.FILE_EXTENT if area == "file" else areas.mahalle_area(area)
    else:
        choices["area"] = (None, "")
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, job_id) -> HttpResponse:
    job = _job(request, job_id)
    layer = get_layer(job.layer)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("check", "save"):
                job = jobs.job_configure(job=job, user=request.user, settings_=_settings_from_post(request, job, layer))
                if action == "check":
                    jobs.start(job=job, user=request.user, phase="check")
            elif action == "write":
                jobs.start(job=job, user=request.user, phase="write")
            elif action == "revert":
                result = revert.revert(job=job, user=request.user)
                messages.success(request, _("The import was reverted: %(removed)d features removed, %(restored)d "
                                            "given their previous version back, %(back)d brought back.") % {
                    "removed": result["removed"], "restored": result["restored"], "back": result["brought_back"]})
            elif action == "cancel":
                jobs.cancel(job=job, user=request.user)
                messages.success(request, _("The import was cancelled; its files were removed."))
                return redirect("layers:import_list")
            else:
                raise ValidationError(_("Unknown step."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("layers:import_detail", job_id=job.pk)
    targets = checks.target_properties(layer)
    unknown = (job.result or {}).get("unknown_codes", {}) if job.status == ImportStatus.CHECKED else {}
    rows = [{"name": name, "label": f.verbose_name, "required": not f.null and not f.has_default() and not f.blank
             and name != "tucbsNo", "source": job.mapping.get(name, ""),
             "choices": [(str(k), v) for k, v in f.flatchoices] if f.choices and not f.is_relation else [],
             "unknown": [(v, job.code_map.get(name, {}).get(v, "")) for v in unknown.get(name, [])]}
            for name, f in targets.items()]
    srids = dict(CRS_CHOICES)
    if job.source.get("srid") and job.source["srid"] not in srids:
        srids[job.source["srid"]] = job.source.get("srs_name") or f"EPSG:{job.source['srid']}"
    return render(request, "layers/import_detail.html", {
        "job": job, "layer": layer, "rows": rows, "srids": sorted(srids.items()),
        "crs_label": crs_label(job.srid), "file_crs": crs_label(job.source.get("srid")),
        "tabular": job.kind in TABULAR, "fields": [f["name"] for f in job.source.get("fields", [])],
        "mahalle": Mahalle.objects.order_by("adi").only("adi", "uavt_kodu"),
        "blocking": [w for w in job.warnings if w.get("level") == "error"],
        "storage_srid": settings.CBS_SRID, "area_code": _area_code(job),
        "can_revert": job.status == ImportStatus.DONE and revert.may_revert(job, request.user)
        and bool((job.result or {}).get("history")),
        "status_url": request.path + "status", "editable": job.status in (
            ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED),
    })


def _area_code(job: ImportJob) -> int | None:
    """The mahalle chosen as the replace area (its label ends with "(UAVT code)")."""
    label = job.area_label or ""
    if label.endswith(")") and "(" in label:
        code = label.rsplit("(", 1)[1][:-1]
        return int(code) if code.isdigit() else None
    return None


@login_required
@require_GET
def import_status(request: HttpRequest, job_id) -> JsonResponse:
    job = _job(request, job_id)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "phase": job.phase,
                         "progress": job.progress, "running": job.is_running, "total": job.total,
                         "accepted": job.accepted, "rejected": job.rejected, "message": job.message,
                         "result": job.result}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def import_preview(request: HttpRequest, job_id) -> HttpResponse:
    job = _checked_job(request, job_id)
    return HttpResponse(preview_geojson(job), content_type="application/geo+json")


@login_required
@require_GET
def import_report(request: HttpRequest, job_id) -> HttpResponse:
    job = _checked_job(request, job_id)
    response = HttpResponse("\ufeff" + report_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report-{job.pk}.csv"'
    return response
