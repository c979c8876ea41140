"""Self-service screens ("Taleplerim"): my requests, a short form to file one, and the request's
page (public history, reply, confirm or reopen, 1–5 answer). Another person's ticket is a 404,
whatever the number; the help-desk screens stay behind their module grant."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cbs.http import BadInput, NotFound
from layers.views import map_config

from . import self_service, services
from .models import Attachment, Status, Ticket
from .self_service_forms import RateForm, ReopenForm, ReplyForm, SelfTicketForm


def self_service_required(view):
    """Anonymous → login page; an account without the "Personel" role → 403."""
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self_service.may_self_serve(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper


@require_GET
@self_service_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """My requests (and my unit's, for a unit head), newest first, with their status."""
    staff = self_service.staff_of(request.user)
    ids = self_service.requester_ids(staff) if staff is not None else []
    # Only the columns the list shows (no geometry to parse, no long texts).
    qs = (Ticket.objects.filter(requester_staff_id__in=ids).select_related("requester_staff", "item")
          .only("number", "title", "status", "created_at", "resolved_at", "requester_staff__name",
                "item__kind", "item__tasinir_no")
          .order_by("-created_at", "-id"))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "tickets/self/list.html", {
        "page": page, "staff": staff, "heads_unit": len(ids) > 1 or staff is not None and staff.headed_units.exists()})


@require_http_methods(["GET", "POST"])
@self_service_required
def new_request(request: HttpRequest) -> HttpResponse:
    staff = self_service.staff_of(request.user)
    if staff is None:
        return render(request, "tickets/self/no_staff.html", status=403)
    items = self_service.my_items(staff)
    form = SelfTicketForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        location = None
        if data["lon"] is not None and data["lat"] is not None:
            location = Point(data["lon"], data["lat"], srid=4326).transform(settings.CBS_SRID, clone=True)
        try:
            ticket = self_service.ticket_file(
                user=request.user, title=data["title"], description=data["description"],
                category=data["category"], place=data["place"], address=data["address"], location=location,
                item=data["item"], upload=data["file"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your request %(number)s was received. You can follow it here.")
                             % {"number": ticket.number})
            return redirect("selfservice:detail", number=ticket.number)
    return render(request, "tickets/self/new.html", {
        "form": form, "staff": staff, "config": map_config(request),
        "max_mb": settings.CBS_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "types": ", ".join(settings.CBS_ATTACHMENT_TYPES)}, status=400 if request.method == "POST" else 200)


def _ticket_or_404(request: HttpRequest, number: str):
    ticket = self_service.visible_ticket(request.user, number[:20])
    if ticket is None:
        raise NotFound(_("No request of yours has that number."))
    return ticket


@require_http_methods(["GET", "POST"])
@self_service_required
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    mine = self_service.is_requester(request.user, ticket)
    if request.method == "POST":
        if not mine:
            raise PermissionDenied
        return _detail_post(request, ticket)
    feedback = getattr(ticket, "feedback", None)  # the reverse one-to-one raises AttributeError when absent
    return render(request, "tickets/self/detail.html", {
        "ticket": ticket, "mine": mine, "events": self_service.public_events(ticket),
        "attachments": ticket.attachments.filter(uploaded_by=request.user) if mine else Attachment.objects.none(),
        "feedback": feedback, "resolved": ticket.status in (Status.RESOLVED, Status.CLOSED),
        "open": ticket.status not in (Status.RESOLVED, Status.CLOSED),
        "reply_form": ReplyForm(), "reopen_form": ReopenForm(), "rate_form": RateForm(),
        "status_labels": dict(Status.choices), "steps": _steps(ticket)})


def _steps(ticket) -> list[tuple[str, bool]]:
    """The request's progress as the requester understands it: received → being worked on → resolved → closed."""
    order = [Status.NEW, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
    reached = {Status.NEW: 0, Status.ASSIGNED: 1, Status.IN_PROGRESS: 1, Status.WAITING: 1,
               Status.RESOLVED: 2, Status.CLOSED: 3}[ticket.status]
    labels = [_("Received"), _("Being worked on"), _("Resolved"), _("Closed")]
    return [(labels[i], i <= reached) for i in range(len(order))]


def _detail_post(request: HttpRequest, ticket) -> HttpResponse:
    action = request.POST.get("action")
    forms = {"reply": ReplyForm, "reopen": ReopenForm, "rate": RateForm, "confirm": None}
    if action not in forms:
        raise BadInput(_("Unknown action."))
    form = forms[action](request.POST) if forms[action] else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                                   for f, e in form.errors.items()])
        data = form.cleaned_data if form is not None else {}
        if action == "reply":
            self_service.ticket_requester_reply(ticket=ticket, user=request.user, text=data["text"])
            done = _("Your message was added.")
        elif action == "confirm":
            self_service.ticket_confirm(ticket=ticket, user=request.user)
            done = _("Thank you: the request is closed.")
        elif action == "reopen":
            self_service.ticket_reopen(ticket=ticket, user=request.user, reason=data["reason"])
            done = _("The request was reopened; the help desk will look at it again.")
        else:
            self_service.ticket_rate(ticket=ticket, user=request.user, rating=data["rating"],
                                     comment=data["comment"])
            done = _("Thank you for your answer.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("selfservice:detail", number=ticket.number)


@require_GET
@self_service_required
def my_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file the requester attached to one of their requests (always a download)."""
    item = Attachment.objects.select_related("ticket").filter(pk=pk, uploaded_by=request.user).first()
    if item is None or self_service.visible_ticket(request.user, item.ticket.number) is None:
        raise NotFound(_("No file of yours has that number."))
    try:
        handle = item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing from the file storage.")) from None
    return FileResponse(handle, as_attachment=True, filename=services.safe_file_name(item.original_name)
                        or f"ek-{item.pk}")
