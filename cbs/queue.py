"""The job queue: Procrastinate on our own PostgreSQL, run by `manage.py procrastinate worker`.

Tasks live in each app's `tasks.py` (Procrastinate's Django app imports them). Web processes only
insert job rows, through Django's own connection: a job deferred inside a transaction exists
exactly when that transaction commits, and a worker sees it only then. The worker runs
`CBS_WORKER_CONCURRENCY` jobs at a time and sends a heartbeat; the jobs of a worker that stopped
sending one (killed, host lost) are *stalled*: `recover_stalled()` retries those whose task says
it may be retried (mail) and fails the others (an import's own row says why:
layers.imports.jobs.reap).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from procrastinate import exceptions as queue_exceptions
from procrastinate import jobs as queue_jobs
from procrastinate import psycopg_connector
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.utils import connector_params

log = logging.getLogger(__name__)

# Queues, and their priority inside a worker (higher first): a mail does not wait behind
# imports that were queued before it; maintenance is short.
MAIL, MAINTENANCE, IMPORTS = "mail", "maintenance", "imports"
PRIORITY = {MAIL: 20, MAINTENANCE: 10, IMPORTS: 0}


class BoundedDjangoConnector(DjangoConnector):
    """Deferring goes through Django's connection (web processes, tasks). The worker's own
    connector is a psycopg pool of at most CBS_WORKER_QUEUE_CONNECTIONS connections (Procrastinate
    keeps four open by default) plus the one that LISTENs for new jobs."""

    def get_worker_connector(self) -> psycopg_connector.PsycopgConnector:
        return psycopg_connector.PsycopgConnector(
            kwargs=connector_params(self.alias), min_size=1,
            max_size=max(1, settings.CBS_WORKER_QUEUE_CONNECTIONS), name="procrastinate-worker")


def on_app_ready(queue_app) -> None:
    """PROCRASTINATE_ON_APP_READY: our connector instead of the stock one (same alias)."""
    connector = BoundedDjangoConnector(alias=queue_app.connector.alias)
    queue_app.connector = connector
    queue_app.job_manager.connector = connector


class WorkerStalled(Exception):
    """The worker running the job stopped sending heartbeats."""


def stalled_jobs() -> list[queue_jobs.Job]:
    """Jobs in progress whose worker sent no heartbeat for CBS_WORKER_STALLED_SECONDS (or is gone)."""
    return list(async_to_sync(app.job_manager.get_stalled_jobs)(
        seconds_since_heartbeat=settings.CBS_WORKER_STALLED_SECONDS))


def fail_job(job_id: int) -> bool:
    """Mark a queued or running job failed; False when it had already ended."""
    try:
        # A savepoint: in a web process the query runs on Django's connection, maybe in a transaction.
        with transaction.atomic():
            async_to_sync(app.job_manager.finish_job_by_id_async)(
                job_id=job_id, status=queue_jobs.Status.FAILED, delete_job=False)
    except queue_exceptions.ConnectorException:  # not todo/doing any more: someone else ended it
        return False
    return True


def recover_stalled() -> dict[str, int]:
    """Retry the stalled jobs whose task retries (mail), fail the others; log each one."""
    counts = {"retried": 0, "failed": 0}
    for job in stalled_jobs():
        task = app.tasks.get(job.task_name)
        strategy = task.retry_strategy if task is not None else None
        decision = strategy.get_retry_decision(exception=WorkerStalled(), job=job) if strategy else None
        if decision is not None:
            try:
                async_to_sync(app.job_manager.retry_job)(job, retry_at=decision.retry_at)
            except queue_exceptions.ConnectorException:
                continue
            counts["retried"] += 1
            log.warning("job %s (%s) was running on a worker that stopped; retried", job.id, job.task_name)
        elif fail_job(job.id):
            counts["failed"] += 1
            log.error("job %s (%s) was running on a worker that stopped; failed", job.id, job.task_name)
    return counts
