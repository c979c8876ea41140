"""Periodic upkeep of the queue itself and of the sessions (cron times are UTC: Istanbul is UTC+3)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from procrastinate.contrib.django import app

from .queue import MAINTENANCE, PRIORITY, recover_stalled


@app.periodic(cron="* * * * *")
@app.task(name="cbs.recover_stalled_jobs", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="cbs.recover_stalled_jobs", lock="cbs.recover_stalled_jobs")
def recover_stalled_jobs(timestamp: int) -> dict:
    """Jobs of a worker that stopped (killed, host lost): retried when their task retries, else failed."""
    return recover_stalled()


@app.periodic(cron="40 0 * * *")  # 03:40 in Istanbul
@app.task(name="cbs.remove_old_jobs", pass_context=True, queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="cbs.remove_old_jobs")
async def remove_old_jobs(context, timestamp: int) -> None:
    """Finished jobs older than CBS_QUEUE_KEEP_HOURS; failed ones stay until someone deals with them."""
    await context.app.job_manager.delete_old_jobs(nb_hours=settings.CBS_QUEUE_KEEP_HOURS,
                                                  include_cancelled=True)


@app.periodic(cron="50 0 * * *")  # 03:50 in Istanbul
@app.task(name="cbs.clear_sessions", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="cbs.clear_sessions")
def clear_sessions(timestamp: int) -> None:
    """Expired sessions (Django's `clearsessions`)."""
    call_command("clearsessions")
