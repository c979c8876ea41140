"""KVKK retention run: anonymise citizens' data in old tickets, prune bookkeeping rows."""

from django.core.management.base import BaseCommand

from cbs.retention.services import kvkk_anonymise


class Command(BaseCommand):
    help = ("Anonymise citizens' personal fields (name, telephone, e-mail, address, consent note) of tickets "
            "closed more than CBS_KVKK_TICKET_RETENTION_DAYS ago, delete their attachments, prune old login "
            "attempts, expired sessions and finished imports' files. Recorded with one audit record.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, help="override the retention period (days after closing)")
        parser.add_argument("--dry-run", action="store_true", help="only list the tickets that are due")

    def handle(self, *args, **options) -> None:
        run = kvkk_anonymise(days=options["days"], dry_run=options["dry_run"], actor="command:kvkk_anonymise")
        verb = "would anonymise" if options["dry_run"] else "anonymised"
        self.stdout.write(f"{verb} {run.tickets_anonymised} tickets closed before {run.cutoff:%Y-%m-%d}"
                          + (f": {', '.join(run.ticket_numbers[:50])}" if run.ticket_numbers else ""))
        if not options["dry_run"]:
            self.stdout.write(f"attachments deleted: {run.attachments_deleted} (files: {run.files_deleted}, "
                              f"pending: {len(run.files_pending)}); pruned: {run.pruned}")
