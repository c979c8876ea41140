"""KVKK retention of tickets: a citizen's personal data is anonymised once the ticket has been
closed (or resolved and left so) for the retention period, in one set-based statement; the
ticket's attachments are deleted with their files. Tickets of staff requesters are kept whole.

Called by `cbs.retention.services.kvkk_anonymise()` (the queue's daily task, `manage.py
kvkk_anonymise`), which records the run and its audit record.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from .models import Attachment, Status, Ticket

# What identifies the citizen. The place (location point) stays for the statistics per mahalle;
# the description and replies are free text written by staff (see README, KVKK).
PERSONAL_FIELDS = ("requester_name", "requester_phone", "requester_email", "address", "consent_note")

_DUE = f"""
    t.requester_staff_id IS NULL AND t.status IN ('{Status.RESOLVED.value}', '{Status.CLOSED.value}')
    AND COALESCE(t.closed_at, t.resolved_at) < %(cutoff)s
    AND ({' OR '.join(f"t.{f} <> ''" for f in PERSONAL_FIELDS)}
         OR EXISTS (SELECT 1 FROM {Attachment._meta.db_table} a WHERE a.ticket_id = t.id))"""


def due(cutoff: datetime) -> list[tuple[int, str]]:
    """(id, number) of the tickets the next run would anonymise."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id, t.number FROM {Ticket._meta.db_table} t WHERE {_DUE} ORDER BY t.id",
                       {"cutoff": cutoff})
        return cursor.fetchall()


def anonymise(cutoff: datetime) -> tuple[list[tuple[int, str]], list[str], int]:
    """Blank the personal fields of citizens' tickets closed before `cutoff` and delete their
    attachment rows (call inside a transaction). Returns the tickets (id, number), the stored file
    names to delete once the transaction has committed, and the number of attachments."""
    blank = ", ".join(f"{f} = ''" for f in PERSONAL_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Ticket._meta.db_table} t SET {blank}, version = t.version + 1 "
                       f"WHERE {_DUE} RETURNING t.id, t.number", {"cutoff": cutoff})
        tickets = sorted(cursor.fetchall())
        cursor.execute(f"DELETE FROM {Attachment._meta.db_table} WHERE ticket_id = ANY(%s) RETURNING file",
                       [[t[0] for t in tickets]])
        files = [row[0] for row in cursor.fetchall() if row[0]]
        attachments = cursor.rowcount
    return tickets, files, attachments


def attachment_storage():
    return Attachment._meta.get_field("file").storage
