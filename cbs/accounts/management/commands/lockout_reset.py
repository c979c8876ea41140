"""Lift a login lockout: `manage.py lockout_reset USERNAME [--address IP]` (audited)."""

from django.core.management.base import BaseCommand

from cbs.accounts.lockout import active_lockouts, lockout_reset
from cbs.audit.context import acting_as


class Command(BaseCommand):
    help = "Lift the login lockout of a user name, from one address or from every address."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--address", help="only the lockout from this IP address")

    def handle(self, *args, username: str, address: str | None, **options):
        locked = [lock for lock in active_lockouts(username=username)
                  if address is None or lock.address == address]
        with acting_as("command:lockout_reset"):
            removed = lockout_reset(username=username, address=address)
        for lock in locked:
            self.stdout.write(f"{username}: lockout from {lock.address} lifted")
        if not locked:
            self.stdout.write(f"{username}: no lockout in force")
        self.stdout.write(f"{removed} failed-login records removed")
