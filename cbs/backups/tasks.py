"""Backups, their drill and their check on the queue's worker (cron times are UTC)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from cbs.queue import MAINTENANCE, PRIORITY


@app.periodic(cron="15 23 * * *")  # 02:15 in Istanbul
@app.task(name="backups.backup_create", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="backups.backup_create", lock="backups.run")
def backup_create(timestamp: int) -> str:
    """The nightly backup of the database and the stored files (cbs.backups.services)."""
    from .services import backup_create as create

    run = create(actor="queue:backups.backup_create")
    return f"{run.status} {run.name}"


@app.periodic(cron="0 1 * * 0")  # Sundays 04:00 in Istanbul
@app.task(name="backups.backup_drill", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="backups.backup_drill", lock="backups.run")
def backup_drill(timestamp: int) -> str:
    """The weekly restore drill of the newest backup into a scratch database."""
    from .services import backup_drill as drill

    run = drill(actor="queue:backups.backup_drill")
    return f"{run.status} RPO {run.rpo_seconds} s RTO {run.rto_seconds} s"


@app.periodic(cron="5 * * * *")
@app.task(name="backups.backup_check", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="backups.backup_check")
def backup_check(timestamp: int) -> str:
    """Hourly: dead runs marked failed, and an alert when no backup succeeded recently."""
    from .services import backup_check as check

    problem = check()
    return "ok" if problem is None else str(problem)
