"""Writes to tickets: open, assign, move through the workflow, comment and log work, attach,
merge and link. Each checks the tickets module grant, validates, writes in one transaction,
keeps the SLA clock, appends an event and an audit record, and sends the notifications."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.accounts.selectors import user_can
from cbs.audit.services import audit_model_write, model_snapshot

from . import cimer, notifications, ticket_notices
from .business_time import add_business_seconds, business_seconds, calendar_from_settings
from .models import Attachment, Category, Channel, EventKind, EventReason, SlaPolicy, Status, Ticket, TicketEvent
from .workflow import ALLOWED


def check_tickets_edit(user) -> None:
    if user is not None and not user_can(user, "module:tickets", "edit"):
        raise PermissionDenied(_("You may not change tickets."))


# Reference data read once per batch run (reference_data_read_once): None outside such a run.
_run_cache: ContextVar[dict | None] = ContextVar("tickets_reference_data", default=None)


@contextmanager
def reference_data_read_once() -> Iterator[None]:
    """Within the block, SLA policies and the working-time calendar (holidays) are read once,
    not for every ticket: for a batch job that opens many tickets in one short run (the mail
    intake). Outside it every call reads the database, the truth for every host."""
    token = _run_cache.set({})
    try:
        yield
    finally:
        _run_cache.reset(token)


def _read_once(key, read: Callable):
    cache = _run_cache.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _calendar():
    return _read_once("calendar", calendar_from_settings)


def sla_policy(category: Category, priority: int) -> SlaPolicy | None:
    """The policy of the category or its nearest ancestor for the priority, else the default."""
    return _read_once(("sla", category.pk, priority), lambda: _sla_policy(category, priority))


def _sla_policy(category: Category, priority: int) -> SlaPolicy | None:
    chain, node = [], category
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    found = {p.category_id: p for p in SlaPolicy.objects.filter(  # one query for the whole chain
        Q(category_id__in=chain) | Q(category__isnull=True), priority=priority)}
    return next((found[pk] for pk in chain if pk in found), found.get(None))


def _next_number(now: datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('tickets_number_seq')")
        return f"{now.year}-{cursor.fetchone()[0]:06d}"


def _event(ticket: Ticket, kind: str, user, text: str = "", minutes: int = 0, old: str = "", new: str = "",
           now: datetime | None = None, reason: str = "", detail: str = "") -> TicketEvent:
    """`text`: what a person wrote; `reason`/`detail`: the system's line as data (EventReason),
    worded in each reader's language when shown."""
    return TicketEvent.objects.create(ticket=ticket, kind=kind, author=user if user and user.pk else None,
                                      text=text, minutes=minutes, from_status=old, to_status=new,
                                      reason=reason, detail=detail, created_at=now or timezone.now())


def _loaded_links(ticket: Ticket) -> list[str]:
    """Foreign keys whose object the caller holds as read from the database: their existence
    needs no query of its own in full_clean (the database's foreign key still checks it)."""
    return [f.name for f in ticket._meta.concrete_fields if f.is_relation and f.is_cached(ticket)
            and getattr(ticket, f.name) is not None and getattr(ticket, f.name).pk is not None
            and not getattr(ticket, f.name)._state.adding]


def _save(ticket: Ticket, before: dict | None, user) -> Ticket:
    ticket.version += 1 if before is not None else 0
    ticket.full_clean(exclude=["number", "related", *_loaded_links(ticket)])
    ticket.save()
    audit_model_write(action="update" if before else "create", obj=ticket, before=before,
                      after=model_snapshot(ticket), user=user)
    return ticket


@dataclass
class TicketInput:
    title: str
    description: str
    channel: str
    category: Category
    priority: int
    requester_staff: object = None
    requester_name: str = ""
    requester_phone: str = ""
    requester_email: str = ""
    consent_note: str = ""
    location: object = None
    address: str = ""
    camera: object = None
    device: object = None
    site: object = None
    item: object = None
    cimer_number: str = ""
    cimer_applied_on: object = None  # date; CİMER tickets without one count from the day opened


@transaction.atomic
def ticket_open(*, data: TicketInput, user=None, now: datetime | None = None,
                permission_check: Callable = check_tickets_edit) -> Ticket:
    """Record a request; routed to the category's team, SLA due times set in working time.
    `permission_check(user)` raises unless the user may open it (the help desk by default;
    self-service passes its own rule: the requester is the user's staff record)."""
    permission_check(user)
    now = now or timezone.now()
    if data.requester_staff is None and not data.requester_name.strip():
        raise ValidationError({"requester_name": _("Name the requester: a member of staff or a citizen.")})
    if data.requester_staff is None and not (data.requester_phone or data.requester_email):
        raise ValidationError({"requester_phone": _("A citizen's telephone or e-mail is needed to reply.")})
    if data.requester_staff is None and not data.consent_note.strip():
        raise ValidationError({"consent_note": _("Record the citizen's consent to the processing (KVKK).")})
    # A mail rarely says where; the help desk adds the place when it works on the ticket.
    if data.channel != Channel.EMAIL and data.location is None and not any(
            (data.camera, data.device, data.site, data.item, data.address)):
        raise ValidationError({"location": _("Give a place: a point on the map, an asset or an address.")})
    if data.location is None:  # the linked asset's place
        asset = data.camera or data.device or data.site
        data.location = asset.geom if asset is not None else None
    ticket = Ticket(**data.__dict__, team=data.category.routed_team(), created_at=now, created_by=user
                    if user and user.pk else None, number=_next_number(now), status=Status.NEW)
    if ticket.channel == Channel.CIMER:  # the legal deadline, in calendar days (cimer.py)
        today = timezone.localdate(now)
        ticket.cimer_applied_on = ticket.cimer_applied_on or today
        if not today - timedelta(days=366) <= ticket.cimer_applied_on <= today:
            raise ValidationError({"cimer_applied_on": _("The application date must lie within the last year.")})
        ticket.legal_due = cimer.legal_due(ticket.cimer_applied_on)
    policy = sla_policy(data.category, data.priority)
    if policy is not None:
        calendar = _calendar()
        ticket.response_due = add_business_seconds(calendar, now, policy.response_minutes * 60)
        ticket.resolution_due = add_business_seconds(calendar, now, policy.resolution_minutes * 60)
    ticket._prefetched_objects_cache = {"related": Ticket.objects.none()}  # new: none yet (no query in the snapshot)
    _save(ticket, None, user)
    _event(ticket, EventKind.TRANSITION, user, new=Status.NEW, now=now, reason=EventReason.OPENED, detail=ticket.channel)
    return ticket


def _locked(ticket: Ticket, expected_version: int | None) -> Ticket:
    current = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError({"version": _("Someone else changed this ticket meanwhile; reload it.")})
    return current


def _move(ticket: Ticket, new: str, user, now: datetime, note: str = "", reason: str = "") -> TicketEvent:
    """Change status in place (caller saves): checks the move, runs the SLA clock."""
    old = ticket.status
    if new != old and new not in ALLOWED.get(old, set()):
        raise ValidationError({"status": _("A ticket cannot go from %(old)s to %(new)s.")
                               % {"old": Status(old).label, "new": Status(new).label}})
    if old == Status.WAITING and new != Status.WAITING and ticket.paused_at:
        calendar = _calendar()
        waited = business_seconds(calendar, ticket.paused_at, now)
        ticket.paused_seconds += waited
        if ticket.resolution_due:  # the clock stood still while waiting on the requester
            ticket.resolution_due = add_business_seconds(calendar, ticket.resolution_due, waited)
        ticket.paused_at = None
    if new == Status.WAITING and old != Status.WAITING:
        ticket.paused_at = now
    if new in (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED) and ticket.first_response_at is None:
        ticket.first_response_at = now
    if new == Status.RESOLVED:
        ticket.resolved_at = now
    if new == Status.CLOSED:
        ticket.closed_at = now
    if new == Status.IN_PROGRESS and old in (Status.RESOLVED, Status.CLOSED):  # reopened
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = new
    return _event(ticket, EventKind.TRANSITION, user, note, old=old, new=new, now=now, reason=reason)


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, user=None, now: datetime | None = None,
                  expected_version: int | None = None, notify: bool = True) -> Ticket:
    """Give the ticket to a technician (who must hold the tickets grant); they get an e-mail."""
    check_tickets_edit(user)
    now = now or timezone.now()
    ticket = _locked(ticket, expected_version)
    if not user_can(assignee, "module:tickets", "edit"):
        raise ValidationError({"assignee": _("%(user)s cannot work on tickets.") % {"user": assignee}})
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"status": _("Reopen the ticket before assigning it.")})
    before = model_snapshot(ticket)
    ticket.assignee = assignee
    if ticket.status == Status.NEW:
        _move(ticket, Status.ASSIGNED, user, now)
    _event(ticket, EventKind.ASSIGNMENT, user, str(assignee), now=now)
    _save(ticket, before, user)
    if notify:  # in the bell and/or by e-mail as the assignee chose; mail queued with this transaction
        ticket_notices.assigned(ticket=ticket, assignee=assignee, actor=user, now=now)
    return ticket


@transaction.atomic
def ticket_transition(*, ticket: Ticket, status: str, user=None, note: str = "",
                      now: datetime | None = None, expected_version: int | None = None,
                      notify: bool = True, permission_check: Callable = check_tickets_edit,
                      reason: str = "") -> Ticket:
    """Move the ticket; resolving needs a note for the requester, who is told by e-mail.
    `reason`: the system's line of the move (EventReason), beside the person's note."""
    permission_check(user)
    now = now or timezone.now()
    ticket = _locked(ticket, expected_version)
    if status == Status.RESOLVED and not note.strip():
        raise ValidationError({"note": _("Say how it was resolved: the requester reads it.")})
    before = model_snapshot(ticket)
    event = _move(ticket, status, user, now, note, reason)
    _save(ticket, before, user)
    if notify and status == Status.RESOLVED:
        if ticket.requester_email or (ticket.requester_staff and ticket.requester_staff.email):
            notifications.queue_resolved(ticket, event)  # queued with this transaction, sent by the worker
    if notify:
        ticket_notices.status_changed(ticket=ticket, event=event, actor=user, now=now)
    return ticket


@transaction.atomic
def ticket_comment(*, ticket: Ticket, kind: str, text: str, minutes: int = 0, user=None,
                   now: datetime | None = None) -> TicketEvent:
    """A reply to the requester, an internal note or a work-log entry with the time spent."""
    check_tickets_edit(user)
    if kind not in (EventKind.REPLY, EventKind.NOTE, EventKind.WORK):
        raise ValidationError({"kind": _("Unknown entry kind.")})
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    if not 0 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Time spent must lie between 0 and 1440 minutes.")})
    now = now or timezone.now()
    ticket = _locked(ticket, None)
    event = _event(ticket, kind, user, text.strip(), minutes, now=now)
    if kind == EventKind.REPLY and ticket.first_response_at is None:
        before = model_snapshot(ticket)
        ticket.first_response_at = now
        _save(ticket, before, user)
    audit_model_write(action="create", obj=event, after=model_snapshot(event), user=user)
    if kind == EventKind.REPLY:  # the requester reads it (mail with the number in the subject, bell)
        ticket_notices.replied_to_requester(ticket=ticket, event=event, actor=user, now=now)
    return event


@transaction.atomic
def ticket_incoming_reply(*, ticket: Ticket, text: str, from_requester: bool, sender: str = "", author=None,
                          now: datetime | None = None) -> TicketEvent:
    """An answer that came in by e-mail (backoffice/tickets/mail_intake.py): from the requester it
    is a reply event and a ticket waiting on them or resolved goes back to work; from anyone else
    it is kept as an internal note naming the sender. The assignee (else the team lead) is told."""
    now = now or timezone.now()
    ticket = _locked(ticket, None)
    text = text.strip() or _("(empty message)")
    if from_requester:
        event = _event(ticket, EventKind.INCOMING, author, text, now=now)
    else:
        event = _event(ticket, EventKind.NOTE, author, _("E-mail from %(sender)s:") % {"sender": sender} + "\n\n" + text,
                       now=now)
    audit_model_write(action="create", obj=event, after=model_snapshot(event), user=None)
    if from_requester and ticket.status in (Status.WAITING, Status.RESOLVED):
        before = model_snapshot(ticket)
        _move(ticket, Status.IN_PROGRESS, None, now, reason=EventReason.MAIL_ANSWER)
        _save(ticket, before, None)
    ticket_notices.reply_received(ticket=ticket, event=event, now=now)
    return event


# Magic numbers of the binary types we accept (text types are checked as UTF-8).
_SIGNATURES = {"pdf": (b"%PDF",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",),
               "jpeg": (b"\xff\xd8\xff",), "xlsx": (b"PK\x03\x04",), "docx": (b"PK\x03\x04",)}


def safe_file_name(name: str) -> str:
    """The user's file name as shown and offered for download: the last path part, without control
    characters (a line break would break the Content-Disposition header), at most 200 characters."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in name)
    return " ".join(name.split())[:200]


@transaction.atomic
def ticket_attach(*, ticket: Ticket, upload, user=None, now: datetime | None = None,
                  permission_check: Callable = check_tickets_edit) -> Attachment:
    """Store an uploaded file under a server-side name in the shared storage (STORAGES["default"],
    which every host reads) after size, type and content checks."""
    permission_check(user)
    name = safe_file_name(upload.name)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in settings.CBS_ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Files of type “%(ext)s” are not accepted (allowed: %(allowed)s).")
                               % {"ext": ext or "?", "allowed": ", ".join(settings.CBS_ATTACHMENT_TYPES)}})
    if upload.size > settings.CBS_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.")
                               % {"mb": settings.CBS_ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    head = upload.read(2048)
    upload.seek(0)
    signatures = _SIGNATURES.get(ext)
    if signatures is not None and not head.startswith(signatures):
        raise ValidationError({"file": _("The file's content does not match its type.")})
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("The file's content does not match its type.")}) from None
    attachment = Attachment(ticket=ticket, original_name=name, content_type=upload.content_type or "",
                            size=upload.size, uploaded_by=user if user and user.pk else None,
                            uploaded_at=now or timezone.now())
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
        audit_model_write(action="create", obj=attachment, after=model_snapshot(attachment), user=user)
    except BaseException:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment


@transaction.atomic
def ticket_merge(*, duplicate: Ticket, into: Ticket, user=None, now: datetime | None = None) -> Ticket:
    """Close a duplicate into the ticket that carries the work."""
    check_tickets_edit(user)
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("A ticket cannot be merged into itself.")})
    if into.merged_into_id:
        raise ValidationError({"into": _("%(number)s is itself merged; merge into %(target)s.")
                               % {"number": into.number, "target": into.merged_into.number}})
    now = now or timezone.now()
    duplicate = _locked(duplicate, None)
    before = model_snapshot(duplicate)
    duplicate.merged_into = into
    if duplicate.status != Status.CLOSED:
        duplicate.status = Status.CLOSED
        duplicate.closed_at = now
    _event(duplicate, EventKind.TRANSITION, user, old=before["status"], new=Status.CLOSED, now=now,
           reason=EventReason.MERGED, detail=into.number)
    _event(into, EventKind.NOTE, user, now=now, reason=EventReason.MERGED_HERE, detail=duplicate.number)
    return _save(duplicate, before, user)


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, user=None) -> None:
    check_tickets_edit(user)
    if ticket.pk == other.pk:
        raise ValidationError({"other": _("A ticket cannot be linked to itself.")})
    ticket.related.add(other)
    audit_model_write(action="update_relations", obj=ticket, after={"related": other.number}, user=user)


@transaction.atomic
def ticket_event_add(*, ticket: Ticket, kind: str, text: str, user, permission_check: Callable,
                     now: datetime | None = None) -> TicketEvent:
    """Append an event under the ticket's lock, audited; `permission_check(user)` is the caller's
    rule (self-service: the requester's own message)."""
    permission_check(user)
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    ticket = _locked(ticket, None)
    event = _event(ticket, kind, user, text.strip(), now=now or timezone.now())
    audit_model_write(action="create", obj=event, after=model_snapshot(event), user=user)
    return event
