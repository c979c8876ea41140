"""The job queue (cbs/queue.py): periodic work is registered, the log sealing task seals,
connections are bounded. (Imports on a real worker: tests/layers/test_import_kill.py;
mail: tests/backoffice/tickets/test_mail_queue.py.)"""

from procrastinate.contrib.django import app

from cbs.audit import chain


def test_periodic_work_is_registered_on_the_queue():
    periodic = {p.task.name: (p.cron, p.task.queue) for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic == {
        "audit.seal_access_records": ("* * * * *", "maintenance"),
        "audit.purge_logs": ("15 0 * * *", "maintenance"),
        "cbs.recover_stalled_jobs": ("* * * * *", "maintenance"),
        "cbs.remove_old_jobs": ("40 0 * * *", "maintenance"),
        "cbs.clear_sessions": ("50 0 * * *", "maintenance"),
        "layers.reap_imports": ("* * * * *", "maintenance"),
        "backups.backup_create": ("15 23 * * *", "maintenance"),
        "backups.backup_drill": ("0 1 * * 0", "maintenance"),
        "backups.backup_check": ("5 * * * *", "maintenance"),
        "retention.kvkk_anonymise": ("30 0 * * *", "maintenance"),
        "tickets.read_intake_mailbox": ("* * * * *", "maintenance"),
        "tickets.watch_deadlines": ("*/5 * * * *", "maintenance"),
    }
    # A periodic job is never queued twice (a slow minute does not pile up seals).
    assert all(app.tasks[name].queueing_lock == name for name in periodic)


def test_the_sealing_task_chains_what_requests_appended(db):
    from cbs.audit.services import access_record
    from cbs.audit.tasks import seal_access_records

    for i in range(3):
        access_record(method="GET", path=f"/task/{i}", status=200, size=0)
    assert chain.unsealed_count() >= 3
    assert seal_access_records(timestamp=0).endswith(" sealed")
    assert chain.unsealed_count() == 0 and chain.verify("access") == []


def test_the_retention_purge_runs_as_a_task(db, capsys):
    from cbs.audit.tasks import purge_logs

    purge_logs(timestamp=0)  # nothing is 730 days old in the test database
    assert "destroyed" not in capsys.readouterr().out


def test_the_worker_keeps_its_own_connections_few():
    worker = app.connector.get_worker_connector()
    assert worker._pool_args["max_size"] == 2 and worker._pool_args["min_size"] == 1


def test_failed_jobs_are_listed_in_the_admin(admin_client_tr):
    from backoffice.tickets.tasks import send_ticket_mail
    from cbs.queue import fail_job

    job_id = send_ticket_mail.defer(ticket_id=1, kind="assigned", assignee_id=1, language="tr")
    assert fail_job(job_id) and not fail_job(job_id)  # a job ends once
    response = admin_client_tr.get("/admin/procrastinate/procrastinatejob/?status__exact=failed")
    assert response.status_code == 200 and "send_mail" in response.content.decode()
    assert admin_client_tr.get(f"/admin/procrastinate/procrastinatejob/{job_id}/change/").status_code == 200
