"""Verify the hash chains of the audit trail and the access log."""

from django.core.management.base import BaseCommand, CommandError

from cbs.audit.chain import verify
from cbs.audit.models import LogKind


class Command(BaseCommand):
    help = "Recompute the per-day SHA-256 chains; report the first broken record of each day."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--log", choices=[k.value for k in LogKind], action="append")

    def handle(self, *args, **options) -> None:
        breaks = []
        for log in options["log"] or [k.value for k in LogKind]:
            found = verify(log)
            breaks += found
            self.stdout.write(f"{log}: {'OK' if not found else f'{len(found)} broken day(s)'}")
        for b in breaks:
            self.stderr.write(f"BROKEN {b.log} {b.day} at record {b.seq}: {b.reason}")
        if breaks:
            raise CommandError("log chain verification failed")
