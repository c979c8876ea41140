"""Restore a backup into an empty database and the file storage (make restore FROM=…)."""

from django.core.management.base import BaseCommand, CommandError

from cbs.backups import services


class Command(BaseCommand):
    help = ("Restore a backup (a folder, or a name in CBS_BACKUP_DIR) into an empty database (the site's, "
            "or --database-url) and its files into the storage (or --media-root). A database or storage "
            "that is not empty is refused unless --force (the database is then dropped and created again).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", metavar="FROM", help="backup folder, or its name in CBS_BACKUP_DIR")
        parser.add_argument("--database-url", help="restore into this database instead of DATABASE_URL")
        parser.add_argument("--media-root", help="restore the files into this folder instead of the storage")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that is not empty (drop and create it) and files of the same name")

    def handle(self, *args, **options) -> None:
        services.install_signal_handlers()
        try:
            result = services.backup_restore(source=options["source"], database_url=options["database_url"],
                                             media_root=options["media_root"], force=options["force"],
                                             actor="command:backup_restore")
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {result['backup']} into {result['database']} in {result['seconds']} s "
                          f"(database {result['database_seconds']} s), {result['restored_files']} files")
        for problem in result["tables"] + result["files"]:
            self.stderr.write(f"MISMATCH {problem}")
        if result["tables"] or result["files"]:
            raise CommandError("the restored data does not match the backup's manifest")
        self.stdout.write("row counts and file checksums match the manifest; run `manage.py migrate` if this "
                          "code is newer than the backup, then `manage.py verify_logs`")
