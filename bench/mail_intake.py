"""E-mail intake benchmark (target: 1 000 incoming mails processed in under 60 s): a private
Dovecot (tests/imap_server.py) holds 1 000 mails, delivered by IMAP APPEND; one intake run turns
them into tickets (and 10 % answers into reply events, with 5 % auto-replies ignored). Measured
beside the floors of the same run: fetching the 1 000 messages over IMAP alone, and one raw
INSERT … SELECT of 1 000 ticket rows in PostGIS. Everything is rolled back afterwards."""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import make_msgid

from django.db import connection, transaction
from django.test import override_settings

MAILS = 1000


def _mail(n: int, reply_to: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Vatandaş {n} <vatandas{n % 200}@example.org>"
    msg["To"] = "yardim@zeytinburnu.bel.tr"
    msg["Subject"] = f"Re: [#{reply_to}] ek bilgi" if reply_to else f"Sokak lambası yanmıyor {n}"
    msg["Message-ID"] = make_msgid(domain="bench.example.org")
    if n % 20 == 7:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(f"Merhaba,\n{n} numaralı direkteki lamba yanmıyor.\n\nTeşekkürler")
    return msg.as_bytes()


def bench_mail_intake() -> list[tuple[str, float]]:
    from backoffice.tickets import mail_intake
    from tests.imap_server import DovecotServer

    server = DovecotServer().start()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT number FROM tickets_ticket WHERE status NOT IN ('kapatildi') ORDER BY id DESC LIMIT 1")
            row = cursor.fetchone()
        target = row[0] if row else None
        raws = [_mail(n, target if target and n % 10 == 3 else None) for n in range(MAILS)]
        start = time.perf_counter()
        server.append(*raws)
        append_s = time.perf_counter() - start

        imap = server.client("INBOX")
        start = time.perf_counter()
        typ, data = imap.uid("FETCH", "1:*", "(UID BODY.PEEK[])")
        fetch_s = time.perf_counter() - start
        imap.logout()
        assert typ == "OK" and sum(isinstance(i, tuple) for i in data) == MAILS

        with transaction.atomic():
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute("""
                    INSERT INTO tickets_ticket (number, title, description, channel, category_id, priority, status,
                        created_at, paused_seconds, version, requester_name, requester_phone, requester_email,
                        consent_note, address, cimer_number)
                    SELECT 'M-' || n, 'Sokak lambası yanmıyor ' || n, 'metin', 'eposta',
                           (SELECT min(id) FROM tickets_category), 3, 'yeni', now(), 0, 1, 'Vatandaş', '',
                           'v@example.org', 'e-posta', '', ''
                    FROM generate_series(1, %s) AS n""", [MAILS])
                raw_s = time.perf_counter() - start
            transaction.set_rollback(True)

        statements = [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        with override_settings(**server.settings(), CBS_MAIL_INTAKE_BATCH=MAILS,
                               CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR=MAILS), transaction.atomic(), \
                connection.execute_wrapper(count):
            start = time.perf_counter()
            result = mail_intake.read_mailbox()
            intake_s = time.perf_counter() - start
            transaction.set_rollback(True)
    finally:
        server.stop()
    counts = result.counts
    print(f"mail intake: {MAILS} mails in {intake_s:.1f} s ({counts}), {statements[0] / MAILS:.1f} statements per mail; "
          f"IMAP fetch {fetch_s:.2f} s, "
          f"raw INSERT {raw_s * 1000:.0f} ms")
    return [(f"intake run, {MAILS} mails → {counts['ticket']} tickets, {counts['reply']} replies, "
             f"{counts['ignored']} ignored (s; target < 60)", round(intake_s, 2)),
            ("per mail (ms)", round(intake_s * 1000 / MAILS, 1)),
            ("SQL statements per mail (savepoints included; the run sits in the bench's rolled-back transaction)",
             round(statements[0] / MAILS, 1)),
            (f"floor: IMAP FETCH of the {MAILS} messages alone (s)", round(fetch_s, 2)),
            (f"floor: raw INSERT … SELECT of {MAILS} ticket rows in PostGIS (s)", round(raw_s, 3)),
            (f"delivery of the {MAILS} mails by IMAP APPEND (s, not part of the intake)", round(append_s, 2))]
