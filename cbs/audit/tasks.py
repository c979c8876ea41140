"""Periodic work on the logs (Law 5651), run by the queue's worker (cron times are UTC)."""

from __future__ import annotations

import logging

from django.core.management import call_command
from procrastinate.contrib.django import app

from cbs.queue import MAINTENANCE, PRIORITY

log = logging.getLogger(__name__)


@app.periodic(cron="* * * * *")
@app.task(name="audit.seal_access_records", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="audit.seal_access_records", lock="audit.seal_access_records")
def seal_access_records(timestamp: int) -> str:
    """Seal the access records appended since the last run into the hash chain (a batch a minute:
    requests only insert them, without a lock all requests share)."""
    from cbs.audit.chain import seal_access_records as seal

    return f"{seal()} sealed"


@app.periodic(cron="15 0 * * *")  # 03:15 in Istanbul
@app.task(name="audit.purge_logs", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="audit.purge_logs", lock="audit.purge_logs")
def purge_logs(timestamp: int) -> None:
    """Destroy log records older than CBS_LOG_RETENTION_DAYS and record that it was done."""
    call_command("purge_logs")
