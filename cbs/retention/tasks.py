"""KVKK retention on the queue's worker (cron times are UTC)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from cbs.queue import MAINTENANCE, PRIORITY


@app.periodic(cron="30 0 * * *")  # 03:30 in Istanbul
@app.task(name="retention.kvkk_anonymise", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="retention.kvkk_anonymise", lock="retention.kvkk_anonymise")
def kvkk_anonymise(timestamp: int) -> str:
    """Citizens' personal data of tickets closed longer ago than the retention period."""
    from .services import kvkk_anonymise as anonymise

    run = anonymise(actor="queue:retention.kvkk_anonymise")
    return f"run {run.pk}"
