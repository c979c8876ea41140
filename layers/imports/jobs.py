"""The import services: create a job from an upload, choose its settings, check, write, cancel.

The two long phases (check: staging + checks; write: the transaction) are jobs of the queue's
worker (`layers.tasks.import_phase`, queue "imports"; Procrastinate, cbs/queue.py), deferred in the
same transaction that marks the import running. Writes into one layer carry the layer's lock, so
they run one after the other; how many phases run at once is the worker's concurrency. Progress
goes to the job row through a separate connection, so the browser sees it while the work is
uncommitted. An import whose worker stopped (killed, host lost: its heartbeat stopped) is marked
failed by `reap()`, which the import pages and a periodic job call: a job never stays "running".
Writing is one transaction, so such a job has written nothing.
"""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record
from cbs.http import digits

from ..models import ImportJob, ImportMapping, ImportMode, ImportStatus
from ..models.imports import RUNNING
from ..registry import Layer, get_layer
from ..services import check_edit
from . import checks, sources, staging, uploads, writer

log = logging.getLogger(__name__)


# --- transformation ------------------------------------------------------------------------

def transformation(srid: int, storage: int) -> tuple[str, float | None]:
    """The PROJ operation PostGIS uses from `srid` to the storage CRS in the municipality, and its
    accuracy in metres (PROJ picks the most accurate available operation for the area)."""
    if srid == storage:
        return _("none (same CRS)"), 0.0
    description, accuracy = _proj_operation(srid, storage)
    return (description or _("no transformation available")), accuracy


@cache
def _proj_operation(srid: int, storage: int) -> tuple[str | None, float | None]:
    """PROJ's best operation (cached: 20–60 ms to ask; messages stay outside the cache, which would
    otherwise keep them in the language of the first request)."""
    from pyproj.aoi import AreaOfInterest
    from pyproj.transformer import TransformerGroup

    group = TransformerGroup(f"EPSG:{srid}", f"EPSG:{storage}", always_xy=True,
                             area_of_interest=AreaOfInterest(*settings.CBS_MAP_BBOX))
    if not group.transformers:
        return None, None
    best = group.transformers[0]
    accuracy = best.accuracy if best.accuracy is not None and best.accuracy >= 0 else None
    return best.description, accuracy


# --- creating and configuring ----------------------------------------------------------------

def _layer_for(user, name: str) -> type[Layer]:
    try:
        layer = get_layer(name)
    except KeyError:
        raise ValidationError(_("Unknown layer.")) from None
    check_edit(user=user, layer=layer)
    return layer


def source_key(fields: list[dict]) -> str:
    import hashlib

    return hashlib.sha256("\x1f".join(sorted(f["name"] for f in fields)).encode()).hexdigest()


def _suggest_mapping(layer: type[Layer], fields: list[dict]) -> dict[str, str]:
    """Source fields whose names match a layer attribute (TUCBS name, column or label)."""
    from django.utils.text import slugify

    def norm(text: str) -> str:
        return slugify(str(text).replace("ı", "i").replace("İ", "i")).replace("-", "").replace("_", "")

    by_norm = {norm(f["name"]): f["name"] for f in fields}
    # Shapefiles (DBF) cut field names at 10 characters: Iletisim_telefon -> Iletisim_t.
    cut = {f["name"]: f["name"] for f in fields if len(f["name"]) == 10}
    out = {}
    for name, f in checks.target_properties(layer).items():
        for candidate in (name, f.name, f.verbose_name):
            if norm(candidate) in by_norm:
                out[name] = by_norm[norm(candidate)]
                break
        else:
            if name[:10] in cut:
                out[name] = cut[name[:10]]
    return out


def job_create(*, user, layer_name: str, upload) -> ImportJob:
    """Store and inspect an uploaded file; nothing is staged yet."""
    layer = _layer_for(user, layer_name)
    job = ImportJob(layer=layer.name, created_by=user if user and user.is_authenticated else None,
                    original_name=str(upload.name or "")[-255:])
    try:
        # Received and read on this host, then kept in the shared storage for any host's worker.
        with uploads.scratch(job.id) as folder:
            stored = uploads.store_upload(upload, folder)
            found = sources.inspect(stored.path, stored.kind)
            uploads.keep(job.id, folder)
    except ValidationError:
        uploads.remove_folder(job.id)
        raise
    job.kind, job.sha256, job.size, job.sources = stored.kind, stored.sha256, stored.size, found
    _apply_source(job, layer, 0)
    job.save()
    audit_record(action="import_upload", object_type="layers.importjob", object_id=job.pk,
                 object_repr=str(job), user=user,
                 after={"layer": job.layer, "file": job.original_name, "sha256": job.sha256, "size": job.size})
    return job


def _apply_source(job: ImportJob, layer: type[Layer], index: int) -> None:
    """Defaults for a chosen layer of the file: its CRS, coordinate columns, a mapping."""
    job.source_index = index
    src = job.source
    job.srid = src.get("srid") or (None if job.kind not in sources.TABULAR else 4326)
    job.x_field, job.y_field = src.get("x_guess", ""), src.get("y_guess", "")
    remembered = ImportMapping.objects.filter(layer=layer.name, source_key=source_key(src["fields"])).first()
    if remembered:
        job.mapping, job.code_map = dict(remembered.mapping), dict(remembered.code_map)
    else:
        job.mapping, job.code_map = _suggest_mapping(layer, src["fields"]), {}


def job_configure(*, job: ImportJob, user, settings_: dict) -> ImportJob:
    """Take the user's choices (validated here, whatever form or command they came from)."""
    layer = _layer_for(user, job.layer)
    _check_owner(job, user)
    if job.is_running:
        raise ValidationError(_("The import is running; wait until it finishes."))
    if job.status in (ImportStatus.DONE, ImportStatus.CANCELLED):
        raise ValidationError(_("This import is finished; upload the file again for a new one."))
    index = digits(str(settings_.get("source_index", job.source_index) or 0))
    if index is None or not index < len(job.sources):
        raise ValidationError(_("Unknown layer of the file."))
    if index != job.source_index:
        _apply_source(job, layer, index)
    names = {f["name"] for f in job.source["fields"]}
    targets = checks.target_properties(layer)
    mapping = settings_.get("mapping", job.mapping)
    bad = [s for t, s in mapping.items() if s and (s not in names or t not in targets)]
    if bad:
        raise ValidationError(_("Unknown fields in the mapping: %(names)s") % {"names": ", ".join(map(str, bad))[:200]})
    job.mapping = {t: s for t, s in mapping.items() if s}
    job.code_map = {t: {str(k): str(v) for k, v in m.items() if v} for t, m in
                    settings_.get("code_map", job.code_map).items() if t in targets}
    srid = settings_.get("srid", job.srid)
    if srid in (None, ""):
        raise ValidationError({"srid": _("The file does not say its coordinate reference system; choose it.")})
    code = digits(str(srid))
    if code is None or not _known_srid(code):
        raise ValidationError({"srid": _("EPSG:%(code)s is not a known coordinate reference system.")
                                       % {"code": str(srid)[:20]}})
    job.srid = code
    if job.kind in sources.TABULAR:
        job.x_field, job.y_field = settings_.get("x_field", job.x_field), settings_.get("y_field", job.y_field)
        if job.x_field not in names or job.y_field not in names or job.x_field == job.y_field:
            raise ValidationError(_("Choose the two columns that hold the coordinates."))
    job.swap_axes = bool(settings_.get("swap_axes", job.swap_axes))
    job.mode = settings_.get("mode", job.mode)
    if job.mode not in ImportMode.values:
        raise ValidationError(_("Unknown import mode."))
    job.area, job.area_label = settings_.get("area", (job.area, job.area_label))
    job.skip_rejected = bool(settings_.get("skip_rejected", job.skip_rejected))
    checks.build_plan(job, layer)  # a required attribute left unmapped is said now, not after staging
    job.transformation, job.accuracy = transformation(job.srid, settings.CBS_SRID)
    drop_staging(job)
    job.status, job.message, job.warnings, job.progress = ImportStatus.UPLOADED, "", [], 0
    job.attempt += 1
    job.save()
    ImportMapping.objects.update_or_create(
        layer=job.layer, source_key=source_key(job.source["fields"]),
        defaults={"mapping": job.mapping, "code_map": job.code_map, "source_label": job.original_name})
    return job


def _known_srid(srid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = %s)", [srid])
        return cursor.fetchone()[0]


def _check_owner(job: ImportJob, user) -> None:
    if user is not None and not user.is_superuser and job.created_by_id != user.pk:
        raise PermissionDenied(_("This import belongs to someone else."))


# --- running ---------------------------------------------------------------------------------

def start(*, job: ImportJob, user, phase: str) -> None:
    """Queue a phase ("check" or "write") for the worker."""
    from ..tasks import import_phase

    _layer_for(user, job.layer)
    _check_owner(job, user)
    if phase not in ("check", "write"):
        raise ValidationError(_("Unknown step."))
    if job.is_running:
        raise ValidationError(_("The import is already running."))
    if phase == "write" and job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Check the file first."))
    if phase == "write" and any(w.get("level") == "error" for w in job.warnings):
        raise ValidationError(_("The check found problems with the whole file; change the settings and check again."))
    status = ImportStatus.CHECKING if phase == "check" else ImportStatus.WRITING
    with transaction.atomic():  # the job row says "running" exactly when the queue has its job
        updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=status, phase=_("waiting for the worker"), progress=0, message="", heartbeat=timezone.now(),
            worker_host="", task_id=None)
        if not updated:
            raise ValidationError(_("The import changed meanwhile; reload the page."))
        # One write per layer at a time (the writer also locks the table; this keeps the second
        # write queued instead of holding a worker slot while it waits).
        task_id = import_phase.configure(lock=f"layer-write:{job.layer}" if phase == "write" else None).defer(
            job_id=str(job.pk), phase=phase, user_id=user.pk if user is not None else None,
            language=translation.get_language() or settings.LANGUAGE_CODE)
        ImportJob.objects.filter(pk=job.pk).update(task_id=task_id)


class Progress:
    """Writes a job's phase and percentage through its own autocommit connection."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.connection = connections.create_connection("default")
        self.phase = ""

    def __call__(self, percent: int, phase: str | None = None) -> None:
        self.phase = phase if phase is not None else self.phase
        with self.connection.cursor() as cursor:
            cursor.execute("UPDATE layers_importjob SET progress = %s, phase = %s, heartbeat = now() WHERE id = %s",
                           [percent, self.phase, self.job_id])

    def close(self) -> None:
        self.connection.close()


def run(job_id, phase: str, user=None, raise_unexpected: bool = False) -> ImportJob:
    """Do one phase now (the queue's worker calls this; so do tests and the command). An unexpected
    error fails the import with a general message; `raise_unexpected` then raises it too, so that
    the queue records the job as failed with its traceback."""
    job = ImportJob.objects.get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(worker_host=socket.gethostname()[:100], heartbeat=timezone.now(),
                                               status=ImportStatus.CHECKING if phase == "check" else ImportStatus.WRITING)
    layer = get_layer(job.layer)
    progress = Progress(job)
    try:
        # Replacing deletes the area's features: the whole area must be inside the user's.
        check_edit(user=user, layer=layer, geometries=[job.area] if job.mode == ImportMode.REPLACE else [])
        if phase == "check":
            _check(job, layer, user, progress)
        else:
            progress(0, _("writing"))
            writer.write(job, layer, user=user, progress=lambda p: progress(p))
            uploads.remove_folder(job.id)  # written: the audit keeps the file's SHA-256, not the file
    except (ValidationError, staging.StagingError, PermissionDenied) as exc:
        _fail(job, _messages(exc))
    except Exception:
        log.exception("import %s failed", job.pk)
        _fail(job, _("An unexpected error stopped the import; nothing was written to the layer."))
        if raise_unexpected:
            raise
    finally:
        progress.close()
    job.refresh_from_db()
    return job


def _messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(f"{key}: {'; '.join(messages)}" if key != "__all__" else "; ".join(messages)
                        for key, messages in exc.message_dict.items())
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message=message, phase="",
                                               heartbeat=timezone.now())


def _check(job: ImportJob, layer: type[Layer], user, progress: Progress) -> None:
    progress(0, _("reading the file"))
    with uploads.local_source(job.id) as path:  # from the shared storage, whichever host received it
        staging.stage(path, job.kind, job.source["name"], job.staging_table, job.srid,
                      progress=lambda p: progress(p * 40 // 100))
    progress(40, _("checking plausibility"))
    findings = checks.plausibility(job, layer)
    progress(50, _("checking every feature"))
    summary = checks.run_checks(job, layer, user=user, progress=lambda p: progress(50 + p // 2))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED, progress=100, phase="", total=summary["total"],
        accepted=summary["accepted"], rejected=summary["rejected"], warnings=findings, area=summary["area"],
        result={"unknown_codes": summary["unknown_codes"]}, heartbeat=timezone.now())


def cancel(*, job: ImportJob, user) -> None:
    """Give the import up (a phase still waiting for the worker is taken off the queue)."""
    from ..tasks import app

    _check_owner(job, user)
    if job.is_running and not (job.task_id and app.job_manager.cancel_job_by_id(job.task_id)):
        raise ValidationError(_("The import is running; wait until it finishes."))
    if job.status == ImportStatus.DONE:
        raise ValidationError(_("This import is finished."))
    drop_staging(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CANCELLED, phase="")
    uploads.remove_folder(job.id)


def drop_staging(job: ImportJob, wait: bool = True) -> None:
    staging.drop(checks.checked_table(job), wait)
    staging.drop(job.staging_table, wait)


def reap() -> int:
    """Mark failed every running import whose phase can no longer finish: its worker stopped
    (no heartbeat for CBS_WORKER_STALLED_SECONDS), or its queue job ended or vanished without
    the import saying how. Drops their staging tables; the number of imports marked."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from cbs.queue import fail_job

    running = list(ImportJob.objects.filter(status__in=RUNNING).values("pk", "status", "task_id", "heartbeat"))
    if not running:
        return 0
    now = timezone.now()
    queued = {q.pk: q for q in ProcrastinateJob.objects.filter(pk__in=[r["task_id"] for r in running if r["task_id"]])
              .select_related("worker")}
    stalled_before = now - timedelta(seconds=settings.CBS_WORKER_STALLED_SECONDS)
    dead = []
    for row in running:
        task = queued.get(row["task_id"])
        if task is None:  # no queue job (or it was removed): give the request a minute to commit
            stopped = row["heartbeat"] is None or row["heartbeat"] < now - timedelta(seconds=60)
        elif task.status == "todo":
            stopped = False  # waiting for a worker: it runs when one is there
        elif task.status == "doing":
            stopped = task.worker is None or task.worker.last_heartbeat < stalled_before
        else:
            stopped = True
        if stopped:
            dead.append((row, task))
    marked = 0
    for row, task in dead:
        updated = ImportJob.objects.filter(pk=row["pk"], status=row["status"]).update(
            status=ImportStatus.FAILED, phase="",
            message=_("The import was interrupted (its worker stopped); nothing was written to the layer."))
        if task is not None and task.status == "doing":
            fail_job(task.pk)
        if updated:
            marked += 1
            log.error("import %s: its worker stopped during the %s", row["pk"], row["status"])
            job = ImportJob.objects.get(pk=row["pk"])
            drop_staging(job, wait=False)
    return marked
