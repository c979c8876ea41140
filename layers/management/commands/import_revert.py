"""Revert a finished import as one transaction (the same service as the import page's button)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from cbs.audit.context import acting_as
from layers.imports import revert
from layers.models import ImportJob


class Command(BaseCommand):
    help = "Revert a finished import (refused when a feature it wrote was changed afterwards)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job", help="the import job's id")
        parser.add_argument("--user", default="", help="act as this user name (checked like the page)")

    def handle(self, *args, **options) -> None:
        job = ImportJob.objects.filter(pk=options["job"]).first()
        if job is None:
            raise CommandError("no such import job")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError("no such user")
        try:
            with acting_as("command:import_revert"):
                result = revert.revert(job=job, user=user)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"reverted: {result['removed']} removed, {result['restored']} restored, "
                          f"{result['brought_back']} brought back")
