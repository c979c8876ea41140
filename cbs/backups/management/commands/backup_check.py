"""The periodic backup check: dead runs marked failed, an e-mail when no backup succeeded lately."""

from django.core.management.base import BaseCommand, CommandError

from cbs.backups import services


class Command(BaseCommand):
    help = ("Mark killed backups/drills failed and e-mail CBS_BACKUP_ALERT_EMAIL when no backup succeeded "
            "within CBS_BACKUP_MAX_AGE_HOURS; exits 1 while something is wrong (for monitoring).")

    def handle(self, *args, **options) -> None:
        problem = services.backup_check()
        if problem is not None:
            raise CommandError(str(problem.message))
        self.stdout.write("backups OK")
