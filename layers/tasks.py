"""Import phases (check, write) as jobs of the queue's worker; the import pages read the job row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import translation
from procrastinate.contrib.django import app

from cbs.audit.context import acting_as
from cbs.queue import IMPORTS, MAINTENANCE, PRIORITY

from .imports import jobs


@app.task(name="layers.import_phase", queue=IMPORTS, priority=PRIORITY[IMPORTS])
def import_phase(*, job_id: str, phase: str, user_id: int | None = None, language: str = "tr") -> str:
    """Run one phase of an import (never retried: a write is all or nothing, the user decides)."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with translation.override(language), acting_as(f"import:{job_id}"):
        job = jobs.run(job_id, phase, user=user, raise_unexpected=True)
    return job.status


@app.periodic(cron="* * * * *")
@app.task(name="layers.reap_imports", queue=MAINTENANCE, priority=PRIORITY[MAINTENANCE],
          queueing_lock="layers.reap_imports")
def reap_imports(timestamp: int) -> int:
    """Imports whose worker stopped are marked failed even when nobody opens the import pages."""
    return jobs.reap()
