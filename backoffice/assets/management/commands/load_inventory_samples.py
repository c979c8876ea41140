from django.core.management.base import BaseCommand

from backoffice.assets.samples import load_inventory


class Command(BaseCommand):
    help = "Load the sample IT inventory (units, staff, items, custody, licences); kept if present."

    def handle(self, *args, **options):
        count = load_inventory()
        self.stdout.write(f"inventory: {count} items loaded" if count else "inventory: kept")
