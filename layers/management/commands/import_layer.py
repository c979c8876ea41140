"""Import a file into a layer from the command line, with the same checks as the web page."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cbs.audit.context import acting_as
from layers.imports import areas, jobs
from layers.models import ImportStatus


class Command(BaseCommand):
    help = ("Import a GIS file (zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, DXF, CSV, XLSX) into a layer. "
            "Checks first; writes only with --write and when nothing was rejected (or --skip-rejected).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--layer", required=True)
        parser.add_argument("--srid", type=int, help="EPSG code of the file when it does not say")
        parser.add_argument("--x", dest="x_field", help="column of X / longitude (CSV, XLSX)")
        parser.add_argument("--y", dest="y_field", help="column of Y / latitude (CSV, XLSX)")
        parser.add_argument("--swap-axes", action="store_true")
        parser.add_argument("--map", action="append", default=[], metavar="ATTRIBUTE=FIELD",
                            help="field mapping (repeatable); remembered ones and matching names are used otherwise")
        parser.add_argument("--replace-mahalle", metavar="UAVT", help="replace the features of this mahalle")
        parser.add_argument("--replace-extent", action="store_true", help="replace the features in the file's extent")
        parser.add_argument("--skip-rejected", action="store_true")
        parser.add_argument("--write", action="store_true", help="write after a clean check")
        parser.add_argument("--report", help="write the rejected features (CSV) here")

    def handle(self, *args, **o) -> None:
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            with acting_as("command:import_layer"), open(path, "rb") as handle:
                job = jobs.job_create(user=None, layer_name=o["layer"], upload=File(handle, name=path.name))
                choices = {"mapping": {**job.mapping, **dict(m.split("=", 1) for m in o["map"])},
                           "swap_axes": o["swap_axes"], "skip_rejected": o["skip_rejected"]}
                for key in ("srid", "x_field", "y_field"):
                    if o[key] is not None:
                        choices[key] = o[key]
                if o["replace_mahalle"] or o["replace_extent"]:
                    choices["mode"] = "replace"
                    choices["area"] = (areas.mahalle_area(o["replace_mahalle"]) if o["replace_mahalle"]
                                       else areas.FILE_EXTENT)
                job = jobs.job_configure(job=job, user=None, settings_=choices)
                job = jobs.run(job.pk, "check")
                self.stdout.write(json.dumps({"status": job.status, "total": job.total, "accepted": job.accepted,
                                              "rejected": job.rejected, "warnings": job.warnings,
                                              "transformation": job.transformation, "accuracy_m": job.accuracy,
                                              "message": job.message}, ensure_ascii=False, indent=1))
                if o["report"] and job.status == ImportStatus.CHECKED:
                    from layers.imports.report import report_csv

                    Path(o["report"]).write_text(report_csv(job), encoding="utf-8")
                if o["write"] and job.status == ImportStatus.CHECKED:
                    if job.rejected and not o["skip_rejected"]:
                        raise CommandError("features were rejected; nothing written (see --report, --skip-rejected)")
                    if any(w.get("level") == "error" for w in job.warnings):
                        raise CommandError("the file as a whole looks wrong; nothing written")
                    job = jobs.run(job.pk, "write")
                    self.stdout.write(json.dumps({"status": job.status, **job.result, "message": job.message},
                                                 ensure_ascii=False))
                if job.status == ImportStatus.FAILED:
                    raise CommandError(job.message)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

