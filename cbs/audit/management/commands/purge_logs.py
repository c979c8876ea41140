"""Destroy log records older than the retention period, and record that it was done."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cbs.audit.chain import MODELS, seal_access_records
from cbs.audit.models import ChainHead, DestructionRecord, LogKind
from cbs.audit.services import audit_record


class Command(BaseCommand):
    help = "Delete audit/access records older than CBS_LOG_RETENTION_DAYS (default 730)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="override the retention period")

    def handle(self, *args, **options) -> None:
        keep = options["days"] if options["days"] is not None else settings.CBS_LOG_RETENTION_DAYS
        cutoff = timezone.now().date() - timedelta(days=keep)
        seal_access_records()  # destroyed days are recorded with their final chain heads
        for log in LogKind:
            with transaction.atomic():
                heads = ChainHead.objects.select_for_update().filter(log=log, day__lt=cutoff)
                days = {str(h.day): h.last_hash for h in heads}
                if not days:
                    continue
                deleted, _detail = MODELS[log].objects.filter(day__lt=cutoff).delete()
                DestructionRecord.objects.create(
                    log=log, first_day=min(days), last_day=max(days), records=deleted,
                    last_hashes=days, actor="purge_logs")
                heads.delete()
                audit_record(action="destroy_logs", object_type=f"audit.{log}",
                             after={"before_day": str(cutoff), "records": deleted},
                             actor="command:purge_logs")
            self.stdout.write(f"{log}: {deleted} records before {cutoff} destroyed")
