"""KVKK retention of tickets: a citizen's personal data is anonymised once the ticket has been
closed (or resolved and left so) for the retention period, set-based (a few statements per run,
none per ticket); the ticket's attachments are deleted with their files, and what the citizen
mailed (a ticket the e-mail intake opened: its subject and text; answers by mail; the mail records'
sender digests and Message-IDs) is blanked too. Tickets of staff requesters are kept whole.

Called by `cbs.retention.services.kvkk_anonymise()` (the queue's daily task, `manage.py
kvkk_anonymise`), which records the run and its audit record.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from cbs.notifications.models import Notification

from .mail_models import MailboxMessage, MailOutcome
from .models import Attachment, EventKind, Status, Ticket, TicketEvent

# What identifies the citizen. The place (location point) stays for the statistics per mahalle;
# the description and replies are free text written by staff (see README, KVKK) – except where
# the citizen wrote them: see MAIL_FIELDS and the events below.
PERSONAL_FIELDS = ("requester_name", "requester_phone", "requester_email", "address", "consent_note")
# A ticket the e-mail intake opened from a citizen's mail holds their own words as its subject and
# text (and the bell's notices repeat the subject): these are blanked too, to a dash (both are
# required fields, so the ticket stays valid for any later change).
MAIL_FIELDS = ("title", "description")
REMOVED = "–"
# Events holding what the citizen (or another outside sender) mailed: answers by e-mail, and the
# author-less notes the intake writes ("E-mail from <address>: …", refused attachments' names).
_MAILED_EVENT = f"(e.kind = '{EventKind.INCOMING.value}' OR (e.kind = '{EventKind.NOTE.value}' AND e.author_id IS NULL))"

_FROM_MAIL = f"""EXISTS (SELECT 1 FROM {MailboxMessage._meta.db_table} m
                        WHERE m.ticket_id = t.id AND m.outcome = '{MailOutcome.TICKET.value}')"""

_DUE = f"""
    t.requester_staff_id IS NULL AND t.status IN ('{Status.RESOLVED.value}', '{Status.CLOSED.value}')
    AND COALESCE(t.closed_at, t.resolved_at) < %(cutoff)s
    AND ({' OR '.join(f"t.{f} <> ''" for f in PERSONAL_FIELDS)}
         OR EXISTS (SELECT 1 FROM {Attachment._meta.db_table} a WHERE a.ticket_id = t.id)
         OR ({' OR '.join(f"t.{f} <> '{REMOVED}'" for f in MAIL_FIELDS)}) AND {_FROM_MAIL}
         OR EXISTS (SELECT 1 FROM {TicketEvent._meta.db_table} e WHERE e.ticket_id = t.id AND e.text <> ''
                    AND {_MAILED_EVENT})
         OR EXISTS (SELECT 1 FROM {MailboxMessage._meta.db_table} m WHERE m.ticket_id = t.id
                    AND (m.sender_digest <> '' OR m.message_id <> '')))"""


def due(cutoff: datetime) -> list[tuple[int, str]]:
    """(id, number) of the tickets the next run would anonymise."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id, t.number FROM {Ticket._meta.db_table} t WHERE {_DUE} ORDER BY t.id",
                       {"cutoff": cutoff})
        return cursor.fetchall()


def anonymise(cutoff: datetime) -> tuple[list[tuple[int, str]], list[str], int]:
    """Blank the personal fields of citizens' tickets closed before `cutoff` (and, for tickets
    opened from their mail, the mailed subject and text and the bell's copies of the subject),
    the texts they mailed in answers, the sender digests and Message-IDs of their mails, and
    delete their attachment rows (call inside a transaction); the sender digests of mails read
    before `cutoff` that made no ticket are blanked too. Returns the tickets (id, number), the
    stored file names to delete once the transaction has committed, and the number of
    attachments."""
    blank = ", ".join([*(f"{f} = ''" for f in PERSONAL_FIELDS),
                       *(f"{f} = CASE WHEN {_FROM_MAIL} THEN '{REMOVED}' ELSE t.{f} END" for f in MAIL_FIELDS)])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Ticket._meta.db_table} t SET {blank}, version = t.version + 1 "
                       f"WHERE {_DUE} RETURNING t.id, t.number, t.title = '{REMOVED}'", {"cutoff": cutoff})
        rows = sorted(cursor.fetchall())
        tickets = [(pk, number) for pk, number, _mailed in rows]
        ids = [pk for pk, _number in tickets]
        cursor.execute(f"UPDATE {TicketEvent._meta.db_table} e SET text = '' "
                       f"WHERE e.ticket_id = ANY(%s) AND e.text <> '' AND {_MAILED_EVENT}", [ids])
        cursor.execute(f"UPDATE {MailboxMessage._meta.db_table} SET sender_digest = '', message_id = '' "
                       "WHERE (ticket_id = ANY(%s) OR ticket_id IS NULL AND received_at < %s) "
                       "AND (sender_digest <> '' OR message_id <> '')", [ids, cutoff])
        cursor.execute(f"UPDATE {Notification._meta.db_table} SET subject = '' WHERE number = ANY(%s) AND subject <> ''",
                       [[number for _pk, number, mailed in rows if mailed]])
        cursor.execute(f"DELETE FROM {Attachment._meta.db_table} WHERE ticket_id = ANY(%s) RETURNING file", [ids])
        files = [row[0] for row in cursor.fetchall() if row[0]]
        attachments = cursor.rowcount
    return tickets, files, attachments


def attachment_storage():
    return Attachment._meta.get_field("file").storage
