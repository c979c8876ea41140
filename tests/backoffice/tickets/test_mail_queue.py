"""Ticket mail goes through the queue: the request only queues it (a mail server that is down is
no 500), the real worker process sends it to a real SMTP server, retries temporary refusals with a
growing wait, logs every failure and gives up on a permanent refusal."""

import socket
import time
from types import SimpleNamespace

import pytest
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from backoffice.tickets import services
from backoffice.tickets.models import Ticket
from cbs.testing import make_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An aiosmtpd handler: answers RCPT with `refusals` (one per attempt, in order), then accepts."""

    def __init__(self):
        self.refusals: list[str] = []
        self.messages: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusals:
            return self.refusals.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(SimpleNamespace(to=list(envelope.rcpt_tos), content=envelope.content.decode()))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a fixed free port that can be stopped and started again."""

    def __init__(self):
        self.sink, self.port, self.controller = Sink(), free_port(), None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture(scope="module")
def mail_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One SMTP server and one worker (mail queue, two retries after 1 s each) for this module."""
    from tests.conftest import clear_queue, start_worker

    server = SmtpServer()
    server.start()
    with django_db_blocker.unblock():
        clear_queue()
    worker = start_worker(
        django_db_blocker, tmp_path_factory.mktemp("mail") / "worker.log", "mail",
        CBS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", CBS_EMAIL_HOST="127.0.0.1",
        CBS_EMAIL_PORT=server.port, CBS_EMAIL_TIMEOUT=5, CBS_MAIL_RETRIES=2, CBS_MAIL_RETRY_BASE_SECONDS=1)
    yield SimpleNamespace(server=server, sink=server.sink, worker=worker)
    worker.stop()
    server.stop()
    with django_db_blocker.unblock():
        clear_queue()


def wait_for(condition, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def mail_job(ticket) -> ProcrastinateJob:
    return ProcrastinateJob.objects.get(task_name="tickets.send_mail", args__ticket_id=ticket.pk)


def test_temporary_refusals_are_retried_until_the_server_accepts(committed_ticket, django_db_blocker,
                                                                 mail_worker):
    mail_worker.sink.refusals = ["451 4.3.0 Mailbox busy, try again later"] * 2
    ticket, log = committed_ticket.ticket, mail_worker.worker.output
    with django_db_blocker.unblock():
        services.ticket_assign(ticket=ticket, assignee=committed_ticket.technician, user=committed_ticket.helpdesk)
        wait_for(lambda: mail_job(ticket).status == "succeeded", what=log())
        assert mail_job(ticket).attempts == 3  # refused twice, the third try went through
    [mail] = [m for m in mail_worker.sink.messages if ticket.number in m.content]
    assert mail.to == [committed_ticket.technician.email]
    what = f"assigned mail of ticket {ticket.pk} not sent"
    assert f"{what} (attempt 1 of 3, tried again later)" in log() and "451" in log()
    assert f"{what} (attempt 2 of 3, tried again later)" in log()


def test_a_server_that_stays_down_is_given_up_on_and_logged(committed_ticket, django_db_blocker, mail_worker):
    ticket, log = committed_ticket.ticket, mail_worker.worker.output
    mail_worker.server.stop()  # connections to its port are refused now
    try:
        with django_db_blocker.unblock():
            services.ticket_transition(ticket=ticket, status="islemde", user=committed_ticket.helpdesk)
            services.ticket_transition(ticket=ticket, status="cozuldu", note="Kablo yenilendi.",
                                       user=committed_ticket.helpdesk)
            wait_for(lambda: mail_job(ticket).status == "failed", what=log())
            assert mail_job(ticket).attempts == 3
    finally:
        mail_worker.server.start()
    what = f"resolved mail of ticket {ticket.pk} not sent"
    assert f"{what} (attempt 2 of 3, tried again later): ConnectionRefusedError" in log()
    assert f"{what}, given up after 3 attempts" in log()


def test_a_permanent_refusal_is_not_retried(committed_ticket, django_db_blocker, mail_worker):
    mail_worker.sink.refusals = ["550 5.1.1 No such user"]
    ticket, log = committed_ticket.ticket, mail_worker.worker.output
    with django_db_blocker.unblock():
        services.ticket_assign(ticket=ticket, assignee=committed_ticket.technician, user=committed_ticket.helpdesk)
        wait_for(lambda: mail_job(ticket).status == "failed", what=log())
        assert mail_job(ticket).attempts == 1
    assert f"assigned mail of ticket {ticket.pk} refused by the mail server (attempt 1)" in log()
    assert not [m for m in mail_worker.sink.messages if ticket.number in m.content]


def test_assigning_with_the_mail_server_down_is_no_error(client, db, settings, camera_fault):
    """Today's request only queues the mail: nothing in it talks to the mail server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    helpdesk = make_user(("module:tickets", "edit"), ("module:tickets", "view"))
    technician = make_user(("module:tickets", "edit"))
    ticket = services.ticket_open(data=camera_fault, user=helpdesk)
    client.force_login(helpdesk)
    response = client.post(reverse("tickets:queue"), {"ticket": [ticket.pk], "assignee": technician.pk, "query": ""})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == technician.pk
    job = ProcrastinateJob.objects.get(task_name="tickets.send_mail", args__ticket_id=ticket.pk)
    assert job.status == "todo" and job.queue_name == "mail"
    assert job.args == {"ticket_id": ticket.pk, "kind": "assigned", "assignee_id": technician.pk,
                        "language": job.args["language"]}  # ids only: no address in the queue


@pytest.fixture
def blackhole():
    """A port that accepts TCP connections (into its backlog) but never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def test_a_mail_of_a_killed_worker_is_retried(committed_ticket, django_db_blocker, queue_worker, blackhole,
                                              settings):
    """The worker dies while the mail server keeps it waiting: the periodic recovery (run here)
    puts the mail back on the queue instead of failing it."""
    from backoffice.tickets.tasks import send_ticket_mail
    from cbs.queue import recover_stalled

    worker = queue_worker("mail-stalled", CBS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                          CBS_EMAIL_HOST="127.0.0.1", CBS_EMAIL_PORT=blackhole, CBS_EMAIL_TIMEOUT=120)
    ticket = committed_ticket.ticket
    with django_db_blocker.unblock():
        job_id = send_ticket_mail.configure(queue="mail-stalled").defer(
            ticket_id=ticket.pk, kind="assigned", assignee_id=committed_ticket.technician.pk, language="en")
        wait_for(lambda: ProcrastinateJob.objects.get(pk=job_id).status == "doing", what=worker.output())
        worker.kill()  # while it waits for the server's greeting
        assert recover_stalled() == {"retried": 0, "failed": 0}  # its heartbeat is not overdue yet
        time.sleep(settings.CBS_WORKER_STALLED_SECONDS + 1)
        assert recover_stalled() == {"retried": 1, "failed": 0}
        job = ProcrastinateJob.objects.get(pk=job_id)
        assert job.status == "todo" and job.attempts == 1
