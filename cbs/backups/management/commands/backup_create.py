"""Back up the database and the stored files (make backup)."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from cbs.backups import services
from cbs.backups.models import RunStatus


class Command(BaseCommand):
    help = ("Back up the database (pg_dump custom format) and every stored file into CBS_BACKUP_DIR "
            "(or --target), copy it to CBS_BACKUP_OFFSITE_DIR, keep the newest CBS_BACKUP_KEEP.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--target", help="folder to write the backup into (default CBS_BACKUP_DIR)")

    def handle(self, *args, **options) -> None:
        services.install_signal_handlers()
        try:
            run = services.backup_create(target=options["target"], actor="command:backup_create")
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        checks = run.checks
        self.stdout.write(f"backup {run.name}: {run.path}")
        self.stdout.write(f"  database: {checks['database']['rows']} rows in {checks['database']['tables']} tables, "
                          f"{filesizeformat(checks['database']['size'])}, {checks['durations']['database']} s")
        for alias, files in checks["files"].items():
            self.stdout.write(f"  files ({alias}): {files['count']} files, {filesizeformat(files['bytes'])}")
        self.stdout.write(f"  verify_logs: {'OK' if checks['verify_logs']['ok'] else 'FAILED'}")
        if run.offsite_path:
            self.stdout.write(f"  off-site copy: {run.offsite_path}")
        self.stdout.write(f"  total {filesizeformat(run.size_bytes)} in {checks['durations']['total']} s")
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error)
