"""The worker of one import phase, started by layers.imports.jobs.start (not for people)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from cbs.audit.context import acting_as
from layers.imports import jobs


class Command(BaseCommand):
    help = "Run one phase (check or write) of an import job."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job")
        parser.add_argument("phase", choices=["check", "write"])
        parser.add_argument("--user", default="")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(pk=options["user"]).first() if options["user"] else None
        with acting_as(f"import:{options['job']}"):
            job = jobs.run(options["job"], options["phase"], user=user)
        self.stdout.write(f"{job.status} {job.message}")
