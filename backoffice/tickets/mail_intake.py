"""E-mail intake: the department mailbox (CBS_MAIL_INTAKE_*) read over IMAP by the queue's worker
(tasks.read_intake_mailbox, every minute).

Each unseen message is handled in its own transaction that also records it (MailboxMessage:
UID and Message-ID unique), and only then flagged \\Seen on the server. A crash between the
commit and the flag leaves a message the next run finds already recorded: it is flagged and
skipped, never turned into work twice. A message that cannot be handled (bad MIME, no sender,
any error) is logged, recorded as rejected and moved to CBS_MAIL_INTAKE_REJECTED_FOLDER; the
batch goes on. Auto-replies, bounces, our own mail and loops are recorded as ignored.

What a message becomes:
- its subject carries a ticket number ("[#2026-000123]", as every mail we send does): an answer
  on that ticket (services.ticket_incoming_reply); a closed ticket gets a new, linked one;
- otherwise a new ticket, channel "E-posta": the sender is the requesting member of staff when
  the address is a staff (or user) address, else a citizen whose name and address are kept under
  the KVKK rules of citizens' tickets (backoffice/tickets/retention.py); they get the number back.
Attachments go through services.ticket_attach, the checks of web uploads (type, size, content,
shared storage); a refused one is named in a note on the ticket.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from backoffice.assets.models import Staff

from . import notifications, services
from .mail_models import MailboxMessage, MailOutcome
from .models import Category, Channel, EventKind, Priority, Status, Ticket

log = logging.getLogger(__name__)

TICKET_TAG = re.compile(r"\[#(\d{4}-\d{6,})\]")
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
_AUTO_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+-].*)?@", re.I)
# Where a quoted earlier mail begins in an answer (the quote is already on the ticket).
_QUOTE_START = re.compile(r"^(On .+ wrote:|.+ tarihinde .+ yazdı:|-{2,} ?(Original Message|Özgün İleti|İletilen "
                          r"ileti|Forwarded message) ?-{2,}|From: .+|Kimden: .+)\s*$", re.I | re.M)
MAX_TEXT = 20000


@dataclass(frozen=True)
class IntakeConfig:
    host: str
    port: int
    security: str
    user: str
    password: str
    folder: str
    rejected_folder: str
    address: str
    category: str
    batch: int
    max_per_sender_hour: int
    timeout: int

    @classmethod
    def from_settings(cls) -> IntakeConfig:
        return cls(host=settings.CBS_MAIL_INTAKE_HOST, port=settings.CBS_MAIL_INTAKE_PORT,
                   security=settings.CBS_MAIL_INTAKE_SECURITY, user=settings.CBS_MAIL_INTAKE_USER,
                   password=settings.CBS_MAIL_INTAKE_PASSWORD, folder=settings.CBS_MAIL_INTAKE_FOLDER,
                   rejected_folder=settings.CBS_MAIL_INTAKE_REJECTED_FOLDER,
                   address=settings.CBS_MAIL_INTAKE_ADDRESS, category=settings.CBS_MAIL_INTAKE_CATEGORY,
                   batch=settings.CBS_MAIL_INTAKE_BATCH,
                   max_per_sender_hour=settings.CBS_MAIL_INTAKE_MAX_PER_SENDER_HOUR,
                   timeout=settings.CBS_MAIL_INTAKE_TIMEOUT)

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @property
    def mailbox(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:200]


@dataclass
class IntakeResult:
    """What one run did, by outcome; `skipped`: already recorded (flagged now)."""

    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in MailOutcome} | {"skipped": 0})

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1


class RejectMessage(Exception):
    """The message cannot become a ticket (the text says why); it is moved aside."""


# --- reading the message -------------------------------------------------------------------

def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot make sense of counts as missing  # noqa: BLE001
        return ""
    return str(value or "").strip()


def sender_of(msg: EmailMessage) -> tuple[str, str]:
    """(display name, lower-case address) of From; RejectMessage without a usable address."""
    pairs = getaddresses([_header(msg, "From")])
    name, address = pairs[0] if pairs else ("", "")
    address = address.strip().lower()
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address):
        raise RejectMessage("no usable sender address")
    return " ".join(name.split())[:150], address[:254]


def automatic_reason(msg: EmailMessage, sender: str, own_address: str) -> str:
    """Why the message is an auto-reply, a bounce or our own echo ("" for a person's mail)."""
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted[:40]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if _header(msg, name):
            return name
    if _header(msg, "Precedence").lower() in _AUTO_PRECEDENCE:
        return f"Precedence: {_header(msg, 'Precedence').lower()[:40]}"
    if _AUTO_SENDERS.match(sender):
        return "automatic sender"
    if sender == own_address:
        return "our own address"
    if own_address and own_address in _header(msg, "X-Loop").lower():
        return "X-Loop"
    if msg.get_content_type() == "multipart/report":
        return "delivery report"
    return ""


def body_text(msg: EmailMessage, *, answer: bool) -> str:
    """The plain text (or the HTML's text); for an answer, without the quoted earlier mail."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = ""
    if part.get_content_type() == "text/html":
        text = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", text))
    text = text.replace("\r\n", "\n")
    if answer:
        match = _QUOTE_START.search(text)
        if match:
            text = text[:match.start()]
        text = "\n".join(line for line in text.split("\n") if not line.startswith(">"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:MAX_TEXT]


def attachments_of(msg: EmailMessage) -> Iterator[SimpleUploadedFile]:
    for part in msg.iter_attachments():
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name and isinstance(payload, bytes) and payload:
            yield SimpleUploadedFile(name, payload, content_type=part.get_content_type())


# --- turning it into work ------------------------------------------------------------------

def intake_category(config: IntakeConfig) -> Category:
    """The category of tickets opened by mail: CBS_MAIL_INTAKE_CATEGORY as the category shows
    itself ("Donanım / Bilgisayar"; names may hold a slash themselves, e.g. "Kamera / KGYS")."""
    if config.category:
        wanted = " ".join(config.category.split())
        for category in Category.objects.select_related("parent"):
            if str(category) == wanted:
                return category
        raise RuntimeError(f"CBS_MAIL_INTAKE_CATEGORY {config.category!r} is no category")
    category = Category.objects.filter(parent=None).order_by("name", "id").first()
    if category is None:
        raise RuntimeError("no ticket category exists for mail intake")
    return category


def staff_of(address: str) -> Staff | None:
    """The active member of staff with this address (their own first, else their login's); one query."""
    return (Staff.objects.filter(Q(email__iexact=address) | Q(user__email__iexact=address, user__is_active=True),
                                 active=True)
            .select_related("user").order_by(Case(When(email__iexact=address, then=0), default=1), "pk").first())


def _digest(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()


def staff_by_address(addresses: set[str]) -> dict[str, Staff]:
    """`staff_of` for many addresses at once (lower-case): one query for a whole chunk of mail."""
    if not addresses:
        return {}
    rows = (Staff.objects.annotate(_own=Lower("email"), _login=Lower("user__email"))
            .filter(Q(_own__in=addresses) | Q(_login__in=addresses, user__is_active=True), active=True)
            .select_related("user").order_by("pk"))
    found: dict[str, Staff] = {}
    for staff in rows:  # the staff's own address wins over a login's, then the lowest pk
        if staff._own in addresses:
            found.setdefault(staff._own, staff)
    for staff in rows:
        if staff._login in addresses and staff.user.is_active:
            found.setdefault(staff._login, staff)
    return found


@dataclass
class Lookups:
    """What the messages of one fetched chunk need from the database, read once for the chunk
    (three statements instead of three per mail) and kept current as each message is recorded:
    Message-IDs already read, recent mails per sender (the loop guard), staff by address. A
    message whose sender was not read in advance is looked up alone. Each message is still
    handled and recorded in its own transaction; one that another worker records meanwhile is
    caught by the unique constraints (process)."""

    read_ahead: bool = False  # False: nothing was read in advance, each lookup queries
    seen_ids: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    recent: dict[str, int] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)

    @classmethod
    def read(cls, raws: list[bytes], now: datetime) -> Lookups:
        ids = {i for i in map(_message_id, raws) if i}
        addresses = set()
        headers = BytesHeaderParser(policy=email.policy.compat32)  # raw headers: fast, the address is all we need
        for raw in raws:
            try:
                addresses.add(sender_of(headers.parsebytes(_head(raw)))[1])
            except Exception:  # read alone later (a sender not read here is looked up alone)  # noqa: BLE001
                continue
        seen = set(MailboxMessage.objects.filter(message_id__in=ids).values_list("message_id", flat=True)) if ids else set()
        recent = dict(MailboxMessage.objects.filter(sender_digest__in={_digest(a) for a in addresses},
                                                    received_at__gte=now - timedelta(hours=1))
                      .values("sender_digest").annotate(n=Count("id")).values_list("sender_digest", "n")
                      .order_by()) if addresses else {}
        return cls(read_ahead=True, seen_ids=seen, addresses=addresses, recent=recent, staff=staff_by_address(addresses))

    def seen(self, message_id: str) -> bool:
        if message_id in self.seen_ids:
            return True
        return bool(message_id) and not self.read_ahead and MailboxMessage.objects.filter(message_id=message_id).exists()

    def recent_count(self, address: str, digest: str, now: datetime) -> int:
        if address in self.addresses:
            return self.recent.get(digest, 0)
        return MailboxMessage.objects.filter(sender_digest=digest, received_at__gte=now - timedelta(hours=1)).count()

    def staff_of(self, address: str) -> Staff | None:
        return self.staff.get(address) if address in self.addresses else staff_of(address)

    def recorded(self, message_id: str, digest: str) -> None:
        """A message was recorded (committed): later ones of the chunk see it."""
        if message_id:
            self.seen_ids.add(message_id)
        if digest:
            self.recent[digest] = self.recent.get(digest, 0) + 1


def _attach_all(ticket: Ticket, msg: EmailMessage, author, now: datetime) -> None:
    refused = []
    for upload in attachments_of(msg):
        try:
            services.ticket_attach(ticket=ticket, upload=upload, user=None, now=now)
        except ValidationError as exc:
            refused.append(f"{services.safe_file_name(upload.name)}: {' '.join(exc.messages)}")
    if refused:
        services.ticket_comment(ticket=ticket, kind=EventKind.NOTE, user=None, now=now,
                                text=_("Attachments of the e-mail not accepted:") + "\n" + "\n".join(refused))


def _is_requester(ticket: Ticket, address: str, staff: Staff | None) -> bool:
    if ticket.requester_email and ticket.requester_email.lower() == address:
        return True
    if ticket.requester_staff_id and (staff is not None and staff.pk == ticket.requester_staff_id
                                      or (ticket.requester_staff.email or "").lower() == address):
        return True
    return bool(ticket.assignee_id and (ticket.assignee.email or "").lower() == address)


def _open_ticket(msg: EmailMessage, name: str, address: str, staff: Staff | None, category: Category,
                 now: datetime, follows: Ticket | None = None) -> Ticket:
    subject = " ".join(_header(msg, "Subject").split())
    title = TICKET_TAG.sub("", subject).strip()[:200] or _("E-mail without a subject")
    description = body_text(msg, answer=follows is not None) or _("(empty message)")
    data = services.TicketInput(title=title, description=description, channel=Channel.EMAIL,
                                category=category, priority=Priority.NORMAL)
    if staff is not None:
        data.requester_staff = staff
    else:
        data.requester_name = name or address.split("@", 1)[0]
        data.requester_email = address
        data.consent_note = _("Applied by e-mail; the address is used to answer the request (KVKK).")
    ticket = services.ticket_open(data=data, user=None, now=now)
    _attach_all(ticket, msg, None, now)
    if follows is not None:
        services.ticket_link(ticket=ticket, other=follows, user=None)
    notifications.queue_received(ticket)
    return ticket


def handle(msg: EmailMessage, config: IntakeConfig, now: datetime,
           category: Category, lookups: Lookups | None = None) -> tuple[str, str, Ticket | None, str]:
    """Decide and do (call inside a transaction): (outcome, reason, ticket, sender digest).
    `lookups`: what the chunk read at once (else each is read here)."""
    name, address = sender_of(msg)
    digest = _digest(address)
    reason = automatic_reason(msg, address, config.address)
    if reason:
        return MailOutcome.IGNORED, reason, None, digest
    lookups = lookups or Lookups()
    if lookups.recent_count(address, digest, now) >= config.max_per_sender_hour:
        return MailOutcome.IGNORED, f"more than {config.max_per_sender_hour} mails from the sender in an hour", None, digest
    staff = lookups.staff_of(address)
    match = TICKET_TAG.search(_header(msg, "Subject"))
    ticket = Ticket.objects.select_related("requester_staff", "assignee").filter(number=match[1]).first() if match else None
    while ticket is not None and ticket.merged_into_id:
        ticket = ticket.merged_into
    if ticket is None:
        return MailOutcome.TICKET, "", _open_ticket(msg, name, address, staff, category, now), digest
    if ticket.status == Status.CLOSED:  # a new request about the same thing
        return MailOutcome.TICKET, f"follows {ticket.number}", _open_ticket(
            msg, name, address, staff, category, now, follows=ticket), digest
    from_requester = _is_requester(ticket, address, staff)
    author = staff.user if staff is not None and staff.user_id else None
    services.ticket_incoming_reply(ticket=ticket, text=body_text(msg, answer=True), from_requester=from_requester,
                                   sender=address, author=author, now=now)
    _attach_all(ticket, msg, author, now)
    return MailOutcome.REPLY, "" if from_requester else "not the requester: internal note", ticket, digest


def _head(raw: bytes) -> bytes:
    """The raw header block of a message."""
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]


def _message_id(raw: bytes) -> str:
    """The Message-ID, read from the raw headers (works even when the rest does not parse)."""
    found = re.search(rb"(?im)^message-id:[ \t]*(<[^>\r\n]{1,240}>)", _head(raw))
    return found[1].decode("ascii", errors="replace") if found else ""


def _already_read(row: dict, message_id: str) -> str:
    MailboxMessage.objects.create(**row, outcome=MailOutcome.IGNORED, reason=f"Message-ID already read: {message_id}"[:250])
    return MailOutcome.IGNORED


def process(raw: bytes, *, uid: int, uidvalidity: int, config: IntakeConfig,
            now: datetime | None = None, category: Category | None = None, lookups: Lookups | None = None) -> str:
    """Handle one message and record it, in one transaction; the outcome. Errors of the message
    (not of the database) are caught: recorded as rejected, logged. `lookups`: what the caller
    read for the whole chunk (Lookups.read), else everything is read for this message alone."""
    now = now or timezone.now()
    category = category or intake_category(config)
    lookups = lookups or Lookups()
    message_id = _message_id(raw)
    row = {"mailbox": config.mailbox, "uidvalidity": uidvalidity, "uid": uid, "received_at": now}
    if message_id and lookups.seen(message_id):
        return _already_read(row, message_id)
    try:
        with transaction.atomic():
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            outcome, reason, ticket, digest = handle(msg, config, now, category, lookups)
            MailboxMessage.objects.create(**row, message_id=message_id, sender_digest=digest, outcome=outcome,
                                          reason=reason[:250], ticket=ticket)
        lookups.recorded(message_id, digest)
        return outcome
    except IntegrityError:
        if MailboxMessage.objects.filter(mailbox=config.mailbox, uidvalidity=uidvalidity, uid=uid).exists():
            return "skipped"  # another worker recorded it meanwhile
        if message_id and MailboxMessage.objects.filter(message_id=message_id).exists():
            return _already_read(row, message_id)  # the same message under another UID, recorded meanwhile
        raise
    except Exception as exc:  # bad MIME or anything else about this one message: set aside  # noqa: BLE001
        reason = str(exc) if isinstance(exc, RejectMessage) else f"{type(exc).__name__}: {exc}"
        log.warning("intake mail uid %s (%s) rejected: %s", uid, message_id or "no Message-ID", reason,
                    exc_info=not isinstance(exc, RejectMessage))
        MailboxMessage.objects.create(**row, message_id="", outcome=MailOutcome.REJECTED, reason=reason[:250])
        return MailOutcome.REJECTED


# --- the IMAP side -------------------------------------------------------------------------

@contextmanager
def connect(config: IntakeConfig) -> Iterator[imaplib.IMAP4]:
    if config.security == "ssl":
        imap = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=ssl.create_default_context(),
                                 timeout=config.timeout)
    else:
        imap = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            imap.starttls(ssl.create_default_context())
    try:
        imap.login(config.user, config.password)
        yield imap
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _ok(reply: tuple, what: str) -> list:
    typ, data = reply
    if typ != "OK":
        raise imaplib.IMAP4.error(f"{what}: {typ} {data!r}")
    return data


def _uid_set(uids: list[int]) -> str:
    return ",".join(str(u) for u in uids)


def _flag_seen(imap: imaplib.IMAP4, uids: list[int]) -> None:
    if uids:
        _ok(imap.uid("STORE", _uid_set(uids), "+FLAGS.SILENT", r"(\Seen)"), "STORE")


def _move_aside(imap: imaplib.IMAP4, uids: list[int], folder: str) -> None:
    if not uids:
        return
    imap.create(_quote(folder))  # "already exists" is fine
    if "MOVE" in imap.capabilities:
        _ok(imap.uid("MOVE", _uid_set(uids), _quote(folder)), "MOVE")
    else:
        _ok(imap.uid("COPY", _uid_set(uids), _quote(folder)), "COPY")
        _ok(imap.uid("STORE", _uid_set(uids), "+FLAGS.SILENT", r"(\Deleted)"), "STORE")
        imap.expunge()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetched(data: list) -> dict[int, bytes]:
    """{uid: raw message} from a UID FETCH (BODY.PEEK[]) answer."""
    out = {}
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            found = re.search(rb"UID (\d+)", item[0])
            if found:
                out[int(found[1])] = item[1]
    return out


def read_mailbox(config: IntakeConfig | None = None, *, chunk: int = 50) -> IntakeResult:
    """One run over the unseen messages of the intake folder (at most CBS_MAIL_INTAKE_BATCH)."""
    config = config or IntakeConfig.from_settings()
    result = IntakeResult()
    if not config.enabled:
        return result
    category = intake_category(config)  # a configuration error stops the run here, before any mail is touched
    with connect(config) as imap, services.reference_data_read_once():
        _ok(imap.select(_quote(config.folder)), "SELECT")
        _name, values = imap.response("UIDVALIDITY")  # untagged answer of SELECT
        if not values or values[0] is None:
            raise imaplib.IMAP4.error("the server sent no UIDVALIDITY")
        uidvalidity = int(values[0])
        uids = [int(u) for u in _ok(imap.uid("SEARCH", None, "UNSEEN"), "SEARCH")[0].split()][:config.batch]
        known = set(MailboxMessage.objects.filter(mailbox=config.mailbox, uidvalidity=uidvalidity, uid__in=uids)
                    .values_list("uid", flat=True))
        _flag_seen(imap, sorted(known))  # recorded by a run that stopped before flagging them
        result.counts["skipped"] += len(known)
        todo = [u for u in uids if u not in known]
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            raws = _fetched(_ok(imap.uid("FETCH", _uid_set(part), "(UID BODY.PEEK[])"), "FETCH"))
            lookups = Lookups.read(list(raws.values()), timezone.now())
            done, rejected = [], []
            for uid in part:
                raw = raws.get(uid)
                if raw is None:  # expunged meanwhile
                    continue
                outcome = process(raw, uid=uid, uidvalidity=uidvalidity, config=config, category=category,
                                  lookups=lookups)
                result.add(outcome)
                (rejected if outcome == MailOutcome.REJECTED else done).append(uid)
            _flag_seen(imap, done + rejected)
            _move_aside(imap, rejected, config.rejected_folder)
    if any(result.counts.values()):
        log.info("mail intake %s: %s", config.mailbox, result.counts)
    return result
