"""Restore drill: the newest backup into a scratch database, checked (make restore-drill)."""

from django.core.management.base import BaseCommand, CommandError

from cbs.backups import services
from cbs.backups.models import RunStatus


class Command(BaseCommand):
    help = ("Restore the newest complete backup (or --from) into a scratch database and folder, compare "
            "row counts and file checksums with its manifest, run verify_logs on it, report RPO and RTO.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", help="backup folder (default: the newest in CBS_BACKUP_DIR)")

    def handle(self, *args, **options) -> None:
        services.install_signal_handlers()
        try:
            run = services.backup_drill(source=options["source"], actor="command:backup_drill")
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        checks = run.checks
        self.stdout.write(f"drill of {run.name}: {run.get_status_display()}")
        for name in ("integrity", "tables", "files", "referenced_files", "verify_logs"):
            if name in checks:
                detail = {k: v for k, v in checks[name].items() if k not in ("ok", "output")}
                self.stdout.write(f"  {name}: {'OK' if checks[name]['ok'] else 'FAILED'} {detail}")
        if run.rpo_seconds is not None:
            self.stdout.write(f"  RPO (age of the backup's data): {run.rpo_seconds:.0f} s "
                              f"({run.rpo_seconds / 3600:.1f} h)")
            self.stdout.write(f"  RTO (restore of database and files): {run.rto_seconds:.1f} s")
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(run.error)
