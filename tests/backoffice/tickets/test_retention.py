"""KVKK retention of what citizens mailed (issue 19.2 with 17.5): a ticket the e-mail intake opened
from a citizen's mail loses the mailed subject and text, the answers they mailed, the sender
digests and Message-IDs of their mails and the bell's copies of the subject, by the same run that
blanks their name and address; staff tickets, recent tickets and help-desk texts are kept."""

import itertools
import random
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.utils import timezone

from backoffice.tickets import mail_intake, services
from backoffice.tickets.mail_models import MailboxMessage, MailOutcome
from backoffice.tickets.models import EventKind, Status, Ticket, TicketEvent
from backoffice.tickets.retention import REMOVED
from cbs.notifications.models import Notification
from cbs.retention.services import kvkk_anonymise
from cbs.testing import make_user

DAY = timedelta(days=1)
_uids = itertools.count(random.randint(10**8, 10**9))  # apart from rows other tests may leave committed
UIDVALIDITY = random.randint(10**8, 10**9)


@pytest.fixture
def intake(settings, db):
    settings.CBS_MAIL_INTAKE_HOST = "imap.invalid"  # process() alone: no server is reached
    settings.CBS_MAIL_INTAKE_ADDRESS = "yardim@zeytinburnu.bel.tr"
    settings.CBS_MAIL_INTAKE_CATEGORY = "Donanım / Bilgisayar"
    settings.CBS_KVKK_TICKET_RETENTION_DAYS = 730
    return mail_intake.IntakeConfig.from_settings()


def mail(subject, body, sender="Ayşe Yılmaz <ayse@example.org>") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "yardim@zeytinburnu.bel.tr", subject
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg.set_content(body)
    return msg.as_bytes()


def received(config, raw) -> Ticket:
    uid = next(_uids)
    assert mail_intake.process(raw, uid=uid, uidvalidity=UIDVALIDITY, config=config) in (MailOutcome.TICKET, MailOutcome.REPLY)
    return MailboxMessage.objects.get(uid=uid, uidvalidity=UIDVALIDITY).ticket


def closed(ticket, days_ago):
    when = timezone.now() - days_ago * DAY
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, resolved_at=when, closed_at=when)
    ticket.refresh_from_db()
    return ticket


def test_a_citizens_mailed_words_are_blanked_with_their_name(intake):
    technician = make_user(("module:tickets", "edit"))
    old = received(intake, mail("Evimin önündeki lamba yanmıyor", "Adresim Şehit Er Cd 12, tel 0532 111 22 33."))
    services.ticket_assign(ticket=old, assignee=technician)
    services.ticket_comment(ticket=old, kind=EventKind.REPLY, text="Ekibimiz yarın bakacak.", user=technician)
    received(intake, mail(f"Re: [#{old.number}] lamba", "Hâlâ yanmıyor, kapı numaram 12."))
    received(intake, mail(f"Re: [#{old.number}] lamba", "Ben komşusuyum, bizde de yanmıyor.",
                          sender="Komşu <komsu@example.org>"))  # not the requester: an internal note naming them
    Notification.objects.create(user=technician, kind="durum", key="test:1", number=old.number, subject=old.title,
                                url="/", created_at=timezone.now())
    closed(old, days_ago=800)
    recent = closed(received(intake, mail("Parkta bank kırık", "Oğlum düştü, adresimiz Kazlıçeşme.")), days_ago=10)
    phone = services.ticket_open(data=services.TicketInput(
        title="Sokak lambası", description="Vatandaş telefonla bildirdi.", channel="telefon",
        category=old.category, priority=3, requester_name="Ali Veli", requester_phone="0532 000 00 00",
        consent_note="sözlü", address="Örnek Sok. 1"))
    closed(phone, days_ago=800)
    assert MailboxMessage.objects.filter(ticket=old).exclude(sender_digest="").count() == 3

    run = kvkk_anonymise(actor="test")

    old.refresh_from_db()
    assert (old.title, old.description, old.requester_name, old.requester_email) == (REMOVED, REMOVED, "", "")
    texts = {e.kind: e.text for e in TicketEvent.objects.filter(ticket=old, author__isnull=True)
             .exclude(kind__in=[EventKind.TRANSITION, EventKind.ASSIGNMENT])}
    assert texts == {EventKind.INCOMING: "", EventKind.NOTE: ""}
    # the help desk's own reply stays (staff's words)
    assert TicketEvent.objects.get(ticket=old, kind=EventKind.REPLY).text == "Ekibimiz yarın bakacak."
    assert not MailboxMessage.objects.filter(ticket=old).exclude(sender_digest="", message_id="").exists()
    assert Notification.objects.get(key="test:1").subject == ""
    # a recent mail ticket keeps everything; a phone ticket's subject was written by the help desk
    recent.refresh_from_db()
    assert recent.title == "Parkta bank kırık" and "Kazlıçeşme" in recent.description
    assert MailboxMessage.objects.get(ticket=recent).sender_digest
    phone.refresh_from_db()
    assert (phone.title, phone.requester_name) == ("Sokak lambası", "")
    assert {n for _pk, n in zip(run.ticket_ids, run.ticket_numbers)} == {old.number, phone.number}

    # idempotent: the ticket stays valid for any later change, and a second run finds nothing
    assert kvkk_anonymise(actor="test").tickets_anonymised == 0
    services.ticket_transition(ticket=old, status=Status.IN_PROGRESS, note="Yeniden açıldı", user=technician)


def test_staff_mail_tickets_are_kept_whole(intake):
    from backoffice.assets.models import Staff

    staff = Staff.objects.exclude(email="").filter(active=True).order_by("pk").first()
    ticket = closed(received(intake, mail("Yazıcım çalışmıyor", "Kağıt sıkışıyor.", sender=staff.email)), days_ago=900)
    assert ticket.requester_staff_id == staff.pk

    kvkk_anonymise(actor="test")

    ticket.refresh_from_db()
    assert ticket.title == "Yazıcım çalışmıyor" and ticket.description == "Kağıt sıkışıyor."
    assert MailboxMessage.objects.get(ticket=ticket).sender_digest


def test_mails_that_made_no_ticket_lose_their_sender_digest_after_the_period(intake):
    auto = mail("Otomatik yanıt", "Ofis dışındayım.")
    auto = auto.replace(b"Subject:", b"Auto-Submitted: auto-replied\nSubject:", 1)
    uid = next(_uids)
    assert mail_intake.process(auto, uid=uid, uidvalidity=UIDVALIDITY, config=intake) == MailOutcome.IGNORED
    row = MailboxMessage.objects.get(uid=uid, uidvalidity=UIDVALIDITY)
    assert row.sender_digest
    MailboxMessage.objects.filter(pk=row.pk).update(received_at=timezone.now() - 800 * DAY)

    kvkk_anonymise(actor="test")

    row.refresh_from_db()
    assert (row.sender_digest, row.message_id, row.uid) == ("", "", uid)  # the UID stays: never read twice
