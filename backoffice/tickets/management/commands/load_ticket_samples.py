from django.core.management.base import BaseCommand

from backoffice.tickets.samples import load_tickets


class Command(BaseCommand):
    help = "Load sample help-desk tickets (kept if any exist)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)

    def handle(self, *args, count, **options):
        loaded = load_tickets(count)
        self.stdout.write(f"tickets: {loaded} loaded" if loaded else "tickets: kept")
