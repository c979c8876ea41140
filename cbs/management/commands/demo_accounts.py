"""Demo accounts, publication states and a partner for the embedded development setup."""

from django.core.management.base import BaseCommand

from cbs.accounts.demo import demo_everything
from cbs.audit.context import acting_as


class Command(BaseCommand):
    help = ("Create one demo account per role (password CBS_DEMO_PASSWORD), publish the sample "
            "layers and create the demo partner with a fresh token. `make run` calls this only "
            "on the embedded default database.")

    def handle(self, *args, **options) -> None:
        with acting_as("command:demo_accounts"):
            demo = demo_everything()
        self.stdout.write("Demo accounts (password: CBS_DEMO_PASSWORD, default `kentcbs-demo`):")
        for username, role in demo["users"]:
            self.stdout.write(f"  {username:14} {role}")
        self.stdout.write(f"Demo partner: {demo['kurum']} (protocol: ad-numarataj, bi-bina)")
        self.stdout.write(f"  API token: {demo['token']}")
        self.stdout.write("  e.g. curl -H 'Authorization: Bearer <token>' "
                          "http://127.0.0.1:8000/ogc/collections/bi-bina/items")
