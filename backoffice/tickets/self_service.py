"""Self-service for every member of staff ("Personel" role): file a request about one's own work
or equipment, follow it, answer, confirm the fix or reopen it, and rate it 1–5.

The same services as the help desk (`services.py`: routing, SLA, events, audit, attachment
checks) with a different permission rule: the user acts only as the requester, i.e. through the
staff record linked to their account; unit heads also read (never change) their unit's tickets.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.assets.models import InventoryItem, Staff
from cbs.accounts.roles import DEFAULT_ROLE, role
from cbs.audit.services import audit_model_write, model_snapshot

from . import services
from .models import Category, Channel, EventKind, EventReason, Feedback, Priority, Status, Ticket

# What the requester reads: their own messages, the help desk's replies and status changes.
PUBLIC_KINDS = (EventKind.REPLY, EventKind.FROM_REQUESTER, EventKind.TRANSITION)


def may_self_serve(user) -> bool:
    """An active account holding the "Personel" role (every account by default)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=role(DEFAULT_ROLE).name).exists()


def staff_of(user) -> Staff | None:
    """The active staff record linked to the account, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Staff.objects.select_related("unit").filter(user=user, active=True).first()


def my_items(staff: Staff) -> QuerySet:
    """The items the member of staff holds now (open zimmet records)."""
    return (InventoryItem.objects.filter(assignments__staff=staff, assignments__returned_on__isnull=True)
            .order_by("kind", "tasinir_no"))


def requester_ids(staff: Staff) -> list[int]:
    """The staff records whose tickets this member of staff reads: their own, and those of every
    member of the units they head (one query). A plain list of ids, so the ticket query is an
    index lookup on requester_staff, not an OR across a join over every ticket."""
    members = Staff.objects.filter(unit__head=staff).exclude(pk=staff.pk).values_list("pk", flat=True)
    return [staff.pk, *members]


def my_tickets(user, staff: Staff | None = None) -> QuerySet:
    """Tickets the user asked for, and those of the units the user heads."""
    staff = staff or staff_of(user)
    if staff is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(requester_staff_id__in=requester_ids(staff))


def visible_ticket(user, number: str) -> Ticket | None:
    """The ticket if the user may read it through self-service, else None (shown as 404)."""
    if not may_self_serve(user):
        return None
    return (my_tickets(user).select_related("category", "requester_staff__unit", "item", "feedback")
            .filter(number=number).first()) if number else None


def is_requester(user, ticket: Ticket) -> bool:
    staff = staff_of(user)
    return staff is not None and ticket.requester_staff_id == staff.pk


def _requester_check(ticket: Ticket | None):
    """The permission rule passed to the shared services: the user is the ticket's requester (or,
    for a new ticket, has a staff record and the "Personel" role)."""
    def check(user) -> None:
        if not may_self_serve(user) or staff_of(user) is None:
            raise PermissionDenied(_("Only members of staff with a staff record can file requests here."))
        if ticket is not None and not is_requester(user, ticket):
            raise PermissionDenied(_("Only the requester can do this."))
    return check


def public_events(ticket: Ticket) -> QuerySet:
    """The ticket's history as its requester sees it (no internal notes, work log or assignees)."""
    return ticket.events.filter(kind__in=PUBLIC_KINDS).select_related("author")


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Categories as plain words grouped under their top level ("Donanım": Bilgisayar, Yazıcı …,
    "Donanım – other"); top-level categories without children share one last group."""
    nodes = list(Category.objects.all())
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def below(node: Category, prefix: str = "") -> list[tuple[int, str]]:
        found = []
        for child in sorted(children.get(node.pk, []), key=lambda c: c.name):
            found.append((child.pk, prefix + child.name))
            found += below(child, f"{prefix}{child.name} / ")
        return found

    groups, singles = [], []
    for top in sorted(children.get(None, []), key=lambda c: c.name):
        if children.get(top.pk):
            groups.append((top.name, below(top) + [(top.pk, _("%(name)s – other") % {"name": top.name})]))
        else:
            singles.append((top.pk, top.name))
    return groups + ([(_("Other subjects"), singles)] if singles else [])


PLACE_OFFICE, PLACE_ADDRESS, PLACE_MAP = "office", "address", "map"


@transaction.atomic
def ticket_file(*, user, title: str, description: str, category: Category, place: str, address: str = "",
                location=None, item: InventoryItem | None = None, upload=None,
                now: datetime | None = None) -> Ticket:
    """Open a web-form ticket for the user's own staff record: normal priority, routed and timed
    by `services.ticket_open`; the item must be one the user holds; the file passes the same
    checks as the help desk's attachments."""
    check = _requester_check(None)
    check(user)
    staff = staff_of(user)
    if item is not None and not my_items(staff).filter(pk=item.pk).exists():
        raise ValidationError({"item": _("Choose one of the items you hold.")})
    if place == PLACE_OFFICE:
        site = next((i.site for i in my_items(staff).select_related("site") if i.site_id), None)
        address = _("%(unit)s (my office)") % {"unit": staff.unit}
        location = site.geom if site is not None else None
    elif place == PLACE_ADDRESS:
        if not address.strip():
            raise ValidationError({"address": _("Write the address.")})
        location = None
    elif place == PLACE_MAP:
        if location is None:
            raise ValidationError({"location": _("Click the map to mark the place.")})
    else:
        raise ValidationError({"place": _("Say where: my office, an address or the map.")})
    ticket = services.ticket_open(user=user, permission_check=check, now=now, data=services.TicketInput(
        title=title.strip(), description=description.strip() or title.strip(), channel=Channel.WEB, category=category,
        priority=Priority.NORMAL, requester_staff=staff, address=address.strip(), location=location, item=item))
    if upload is not None:
        services.ticket_attach(ticket=ticket, upload=upload, user=user, now=now, permission_check=check)
    return ticket


@transaction.atomic
def ticket_requester_reply(*, ticket: Ticket, user, text: str, now: datetime | None = None):
    """The requester answers; a ticket waiting on the requester goes back to work."""
    event = services.ticket_event_add(ticket=ticket, kind=EventKind.FROM_REQUESTER, text=text, user=user,
                                      permission_check=_requester_check(ticket), now=now)
    ticket.refresh_from_db()
    if ticket.status == Status.WAITING:
        services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=user, now=now,
                                   reason=EventReason.REQUESTER_ANSWER, permission_check=_requester_check(ticket))
    return event


def ticket_confirm(*, ticket: Ticket, user, now: datetime | None = None) -> Ticket:
    """The requester confirms the fix: a resolved ticket is closed."""
    ticket = Ticket.objects.get(pk=ticket.pk)  # the status as stored, not as the caller last saw it
    if ticket.status != Status.RESOLVED:
        raise ValidationError({"status": _("Only a resolved ticket can be confirmed.")})
    return services.ticket_transition(ticket=ticket, status=Status.CLOSED, user=user, now=now,
                                      reason=EventReason.CONFIRMED,
                                      permission_check=_requester_check(ticket))


def ticket_reopen(*, ticket: Ticket, user, reason: str, now: datetime | None = None) -> Ticket:
    """The requester says the fault is still there: back to work, with the reason."""
    ticket = Ticket.objects.get(pk=ticket.pk)  # the status as stored, not as the caller last saw it
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"status": _("Only a resolved or closed ticket can be reopened.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is still wrong.")})
    return services.ticket_transition(ticket=ticket, status=Status.IN_PROGRESS, user=user, now=now,
                                      note=reason.strip(), permission_check=_requester_check(ticket))


@transaction.atomic
def ticket_rate(*, ticket: Ticket, user, rating: int, comment: str = "", now: datetime | None = None) -> Feedback:
    """The requester's 1–5 satisfaction answer after resolution, once."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    _requester_check(ticket)(user)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": _("A ticket is rated after it is resolved.")})
    if Feedback.objects.filter(ticket=ticket).exists():
        raise ValidationError({"rating": _("This ticket has been rated already.")})
    feedback = Feedback(ticket=ticket, rating=rating, comment=comment.strip()[:500], given_by=user,
                        given_at=now or timezone.now())
    feedback.full_clean()
    feedback.save()
    audit_model_write(action="create", obj=feedback, after=model_snapshot(feedback), user=user)
    return feedback

