"""E-mail intake against a real IMAP server (Dovecot, started privately): new mails open tickets,
answers carrying the number join their ticket, attachments pass the upload checks, auto-replies
and loops are ignored, bad MIME is moved aside without stopping the batch, and nothing is read
twice – also when the run dies between recording and flagging."""

import itertools
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from backoffice.assets.models import Staff, Unit
from backoffice.tickets import mail_intake, services
from backoffice.tickets.mail_models import MailboxMessage, MailOutcome
from backoffice.tickets.models import Attachment, Channel, EventKind, Status, Ticket
from tests.imap_server import DovecotServer

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
_folders = itertools.count(1)


@pytest.fixture(scope="module")
def imap_server():
    server = DovecotServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap_server, settings, db):
    """A folder of its own for each test, read by the intake with these settings."""
    folder = f"Gelen{next(_folders)}"
    for name, value in imap_server.settings().items():
        setattr(settings, name, value)
    settings.CBS_MAIL_INTAKE_FOLDER = folder
    settings.CBS_MAIL_INTAKE_ADDRESS = "yardim@zeytinburnu.bel.tr"
    settings.CBS_MAIL_INTAKE_CATEGORY = "Donanım / Bilgisayar"

    class Box:
        server = imap_server
        name = folder

        def deliver(self, *mails):
            imap_server.append(*[m if isinstance(m, bytes) else m.as_bytes() for m in mails], folder=folder)

        def unseen(self):
            return imap_server.search("UNSEEN", folder)

        def seen(self):
            return imap_server.search("SEEN", folder)

    return Box()


def mail(subject="Yazıcı çalışmıyor", body="3. kattaki yazıcı kağıt sıkıştırıyor.", sender="Ali Veli <ali@example.org>",
         **headers) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "yardim@zeytinburnu.bel.tr"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def test_a_new_mail_opens_a_ticket_and_an_answer_joins_it(mailbox):
    """A citizen's mail becomes an "E-posta" ticket (name and address kept as a citizen requester
    with the KVKK note, the number mailed back); their answer with [#number] in the subject is a
    reply event on that ticket, without the quoted earlier mail."""
    mailbox.deliver(mail())
    result = mail_intake.read_mailbox()
    assert result.counts[MailOutcome.TICKET] == 1
    ticket = Ticket.objects.get(mails__isnull=False, title="Yazıcı çalışmıyor")
    assert ticket.channel == Channel.EMAIL and ticket.category.name == "Bilgisayar"
    assert (ticket.requester_name, ticket.requester_email, ticket.requester_staff) == ("Ali Veli", "ali@example.org", None)
    assert ticket.consent_note and "kağıt sıkıştırıyor" in ticket.description
    assert ticket.resolution_due is not None and ticket.status == Status.NEW
    received = ProcrastinateJob.objects.filter(task_name="tickets.send_mail", args__ticket_id=ticket.pk,
                                               args__kind="received")
    assert received.count() == 1
    assert mailbox.unseen() == [] and len(mailbox.seen()) == 1

    answer = mail(subject=f"Re: [#{ticket.number}] Talebiniz alındı",
                  body="Hâlâ sıkıştırıyor, bugün de.\n\nOn Mon, 1 Jun 2026 yardim wrote:\n> eski metin\n")
    mailbox.deliver(answer)
    result = mail_intake.read_mailbox()
    assert result.counts[MailOutcome.REPLY] == 1 and result.counts[MailOutcome.TICKET] == 0
    event = ticket.events.get(kind=EventKind.INCOMING)
    assert event.text == "Hâlâ sıkıştırıyor, bugün de."
    assert Ticket.objects.filter(title__contains="Talebiniz").count() == 0


def test_an_answer_brings_a_waiting_ticket_back_to_work_and_a_stranger_is_only_a_note(mailbox, helpdesk, technician):
    """Waiting on the requester, their mail moves the ticket to "in progress" (the SLA clock runs
    again); a mail from someone else carrying the number is kept as an internal note."""
    mailbox.deliver(mail(sender="ayse@example.org", subject="Kamera kaydı"))
    mail_intake.read_mailbox()
    ticket = Ticket.objects.get(requester_email="ayse@example.org")
    services.ticket_assign(ticket=ticket, assignee=technician, user=helpdesk)
    services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=technician)
    services.ticket_transition(ticket=ticket, status=Status.WAITING, user=technician)
    mailbox.deliver(mail(sender="ayse@example.org", subject=f"RE: [#{ticket.number}] Yanıt", body="Bilgiler ekte."),
                    mail(sender="baskasi@example.org", subject=f"[#{ticket.number}]", body="Ben de aynı sorunu yaşıyorum."))
    mail_intake.read_mailbox()
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.paused_at is None
    assert ticket.events.filter(kind=EventKind.INCOMING, text="Bilgiler ekte.").exists()
    note = ticket.events.get(kind=EventKind.NOTE, text__contains="baskasi@example.org")
    assert "aynı sorunu" in note.text


def test_attachments_pass_the_upload_checks(mailbox):
    """A PDF is stored in the shared storage with its name; an .exe is refused with the reason
    noted on the ticket, the ticket itself is still opened."""
    msg = mail(subject="Ekli tutanak")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="tutanak.pdf")
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="kurulum.exe")
    mailbox.deliver(msg)
    mail_intake.read_mailbox()
    ticket = Ticket.objects.get(title="Ekli tutanak")
    attachment = Attachment.objects.get(ticket=ticket)
    assert (attachment.original_name, attachment.size) == ("tutanak.pdf", len(PDF))
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        assert handle.read() == PDF
    note = ticket.events.get(kind=EventKind.NOTE)
    assert "kurulum.exe" in note.text


@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "auto-replied"},
    {"X_Autoreply": "yes"},
    {"Precedence": "bulk"},
    {"sender": "MAILER-DAEMON@mx.example.org"},
    {"sender": "Yardım Masası <yardim@zeytinburnu.bel.tr>"},
    {"X_Loop": "yardim@zeytinburnu.bel.tr"},
], ids=["auto-submitted", "x-autoreply", "precedence", "mailer-daemon", "our-own-address", "x-loop"])
def test_auto_replies_and_loops_are_ignored(mailbox, headers):
    """An out-of-office answer, a bounce or our own mail coming back opens nothing (recorded as
    ignored, flagged read)."""
    before = Ticket.objects.count()
    mailbox.deliver(mail(subject="Otomatik yanıt: İzindeyim", **headers))
    result = mail_intake.read_mailbox()
    assert result.counts[MailOutcome.IGNORED] == 1
    assert Ticket.objects.count() == before
    assert mailbox.unseen() == []


def test_a_flood_from_one_sender_is_cut_off(mailbox, settings):
    """More mails than CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR from one address in an hour (a mail
    loop with a system that does not mark its answers) are ignored."""
    settings.CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR = 3
    mailbox.deliver(*[mail(subject=f"Döngü {i}", sender="robot@example.org") for i in range(5)])
    result = mail_intake.read_mailbox()
    assert (result.counts[MailOutcome.TICKET], result.counts[MailOutcome.IGNORED]) == (3, 2)


def test_a_staff_address_links_the_member_of_staff(mailbox):
    """A mail from a staff address names that member of staff as the requester (no citizen data)."""
    staff = Staff.objects.create(registry_no="T-9001", name="Deniz Kaya", email="deniz.kaya@zeytinburnu.bel.tr",
                                 unit=Unit.objects.get_or_create(name="Fen İşleri Müdürlüğü")[0])
    mailbox.deliver(mail(sender="Deniz Kaya <Deniz.Kaya@zeytinburnu.bel.tr>", subject="EBYS açılmıyor"))
    mail_intake.read_mailbox()
    ticket = Ticket.objects.get(title="EBYS açılmıyor")
    assert ticket.requester_staff == staff
    assert (ticket.requester_name, ticket.requester_email, ticket.consent_note) == ("", "", "")


def test_nothing_is_read_twice(mailbox):
    """A second run finds nothing new; the same message delivered again (same Message-ID, new
    UID) is recognised."""
    first = mail(subject="Bir kez")
    mailbox.deliver(first, mail(subject="İki kez"))
    assert mail_intake.read_mailbox().counts[MailOutcome.TICKET] == 2
    again = mail_intake.read_mailbox()
    assert sum(again.counts.values()) == 0
    mailbox.deliver(first)
    assert mail_intake.read_mailbox().counts[MailOutcome.IGNORED] == 1
    assert Ticket.objects.filter(title="Bir kez").count() == 1


def test_a_crash_between_recording_and_flagging_reads_nothing_twice(mailbox, monkeypatch):
    """The run dies after the tickets were committed but before the server flagged the messages:
    the next run flags them from its records and opens no second ticket."""
    mailbox.deliver(*[mail(subject=f"Çökme {i}") for i in range(3)])

    def crash(imap, uids):
        if uids:  # the flagging after the messages were handled and committed
            raise ConnectionResetError("the worker died here")

    with monkeypatch.context() as patch:
        patch.setattr(mail_intake, "_flag_seen", crash)
        with pytest.raises(ConnectionResetError):
            mail_intake.read_mailbox()
    assert Ticket.objects.filter(title__startswith="Çökme").count() == 3
    assert len(mailbox.unseen()) == 3
    result = mail_intake.read_mailbox()
    assert result.counts["skipped"] == 3 and result.counts[MailOutcome.TICKET] == 0
    assert Ticket.objects.filter(title__startswith="Çökme").count() == 3
    assert mailbox.unseen() == []


def test_bad_mime_is_moved_aside_and_the_batch_goes_on(mailbox, settings):
    """A message without a usable sender and one whose headers are garbage are recorded as
    rejected and moved to the rejected folder; the good mail after them still opens its ticket."""
    garbage = b"From: \r\nSubject: =?utf-8?b?###?=\r\nContent-Type: multipart/mixed\r\n\r\n\xff\xfe\x00broken"
    no_sender = b"Subject: Kimden yok\r\nMessage-ID: <nosender@example.org>\r\n\r\nmetin\r\n"
    mailbox.deliver(garbage, no_sender, mail(subject="Sağlam posta"))
    result = mail_intake.read_mailbox()
    assert result.counts[MailOutcome.REJECTED] == 2 and result.counts[MailOutcome.TICKET] == 1
    assert Ticket.objects.filter(title="Sağlam posta").exists()
    assert len(mailbox.server.search("ALL", settings.CBS_MAIL_INTAKE_REJECTED_FOLDER)) >= 2
    assert mailbox.server.search("ALL", mailbox.name) == mailbox.seen()  # only the good one stayed
    assert MailboxMessage.objects.filter(outcome=MailOutcome.REJECTED, reason__contains="sender").count() == 2


def test_the_periodic_job_is_off_without_a_host(settings, db):
    """Without CBS_MAIL_INTAKE_HOST the job reads nothing (no connection attempted)."""
    from backoffice.tickets.periodic import read_intake_mailbox

    settings.CBS_MAIL_INTAKE_HOST = ""
    assert read_intake_mailbox(timestamp=0) == {}


def test_a_wrong_category_setting_touches_no_mail(mailbox, settings):
    """A misconfigured category stops the run before reading: the mail stays unseen, not set aside."""
    settings.CBS_MAIL_INTAKE_CATEGORY = "Böyle bir kategori yok"
    mailbox.deliver(mail(subject="Bekleyen posta"))
    with pytest.raises(RuntimeError, match="CBS_MAIL_INTAKE_CATEGORY"):
        mail_intake.read_mailbox()
    assert len(mailbox.unseen()) == 1
    settings.CBS_MAIL_INTAKE_CATEGORY = "Kamera / KGYS"
    assert mail_intake.read_mailbox().counts[MailOutcome.TICKET] == 1
    assert Ticket.objects.get(title="Bekleyen posta").category.name == "Kamera / KGYS"
