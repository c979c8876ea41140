"""Help-desk screens: queue (filters, saved filters, bulk assign), new ticket (place picked on
the map or from an asset), ticket page with the workflow, my work, ticket map; reads through
selectors, writes through services, personal fields masked unless the role needs them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from backoffice.assets.models import Camera, NetworkDevice, Site
from cbs.accounts.models import Grant
from cbs.accounts.selectors import user_can
from cbs.http import BIGINT_MAX, BadInput, digits
from cbs.permissions import module_required
from cbs.audit.services import personal_data_viewed
from layers.views import map_config

from . import cimer, queue_sort, selectors, services
from .filters import TicketFilter
from .forms import AssignForm, AttachForm, BulkAssignForm, CommentForm, MergeForm, TicketForm, TransitionForm
from .paging import CappedPaginator
from .models import OPEN_STATES, Attachment, SavedFilter, Status, Ticket
from .workflow import allowed_moves


def tickets_permission(level: str = "view"):
    return module_required("tickets", level)


def assignees():
    """Active users holding the tickets edit grant (directly or through a group)."""
    grants = Grant.objects.filter(resource="module:tickets", level="edit")
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(cbs_grants__in=grants) | Q(groups__cbs_grants__in=grants) | Q(is_superuser=True))
            .distinct().order_by("username"))


def _may_see_personal(user) -> bool:
    """Help desk and technicians work with the requester; viewers (managers) get masked values."""
    return user_can(user, "module:tickets", "edit")


@require_http_methods(["GET", "POST"])
@tickets_permission()
def queue(request: HttpRequest) -> HttpResponse:
    """The help-desk queue: filters, saved filters, bulk assignment."""
    if request.method == "POST":
        return _queue_post(request)
    return _queue_page(request, request.GET)


def _queue_page(request: HttpRequest, params: QueryDict, status: int = 200) -> HttpResponse:
    base = Ticket.objects.all()
    filterset = TicketFilter(params or None, queryset=base)
    qs = selectors.queue_rows(filterset.qs if filterset.is_bound else base.filter(status__in=OPEN_STATES))
    page = CappedPaginator(qs.order_by(*queue_sort.order_by(params.get("sort"))), 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(request, "tickets/queue.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "sort": queue_sort.links(params),
        "saved": SavedFilter.objects.filter(user=request.user), "can_edit": _may_see_personal(request.user),
        "assignees": assignees(), "masked": True}, status=status)


def _queue_post(request: HttpRequest) -> HttpResponse:
    # The filter the page showed, re-encoded (it goes back into a Location header and a saved filter).
    query = QueryDict(request.POST.get("query", "")[:1000]).urlencode()
    if request.POST.get("action") == "save_filter":
        name = request.POST.get("name", "").strip()[:80]
        if name:
            SavedFilter.objects.update_or_create(user=request.user, name=name, defaults={"query": query[:1000]})
            messages.success(request, _("Filter saved."))
        return redirect(f"{request.path}?{query}")
    if not user_can(request.user, "module:tickets", "edit"):
        raise PermissionDenied
    form = BulkAssignForm(request.POST, assignees=assignees())
    if not form.is_valid():
        messages.error(request, _("Choose tickets and an assignee."))
        return _queue_page(request, QueryDict(query), status=400)
    assignee = form.cleaned_data["assignee"]
    done, failed = 0, []
    for ticket in form.cleaned_data["ticket"]:
        try:
            services.ticket_assign(ticket=ticket, assignee=assignee, user=request.user)
            done += 1
        except ValidationError as exc:
            failed.append(f"{ticket.number}: {' '.join(exc.messages)}")
    messages.success(request, _("%(n)d tickets assigned to %(user)s.") % {"n": done, "user": assignee})
    for text in failed:
        messages.error(request, text)
    return redirect(f"{request.path}?{query}")


@require_http_methods(["GET", "POST"])
@tickets_permission("edit")
def ticket_new(request: HttpRequest) -> HttpResponse:
    """Open a ticket; the place is a map click, or a camera/device/site (e.g. from its map)."""
    initial = {k: v for k in ("camera", "device", "site", "item")
               if (v := digits(request.GET.get(k), BIGINT_MAX)) is not None}
    form = TicketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            links = {
                "camera": Camera.objects.filter(tucbs_no=data["camera"]).first() if data["camera"] else None,
                "device": NetworkDevice.objects.filter(tucbs_no=data["device"]).first() if data["device"] else None,
                "site": Site.objects.filter(tucbs_no=data["site"]).first() if data["site"] else None,
            }
            location = None
            if data["lon"] is not None and data["lat"] is not None:
                location = Point(data["lon"], data["lat"], srid=4326).transform(
                    settings.CBS_SRID, clone=True)
            ticket = services.ticket_open(user=request.user, data=services.TicketInput(
                title=data["title"], description=data["description"], channel=data["channel"],
                category=data["category"], priority=data["priority"], requester_staff=data["requester_staff"],
                requester_name=data["requester_name"], requester_phone=data["requester_phone"],
                requester_email=data["requester_email"], consent_note=data["consent_note"],
                address=data["address"], location=location, item=data["item"],
                cimer_number=data.get("cimer_number") or "", cimer_applied_on=data.get("cimer_applied_on"), **links))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Ticket %(number)s opened.") % {"number": ticket.number})
            return redirect("tickets:detail", number=ticket.number)
    config = map_config(request)
    return render(request, "tickets/new.html", {"form": form, "config": config},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@tickets_permission()
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = get_object_or_404(cimer.with_legal_state(selectors.with_sla_state(Ticket.objects.select_related(
        "category", "team", "assignee", "requester_staff", "camera", "device", "site", "item", "merged_into"))),
        number=number)
    can_edit = user_can(request.user, "module:tickets", "edit")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        return _detail_post(request, ticket)
    if can_edit and (ticket.requester_name or ticket.requester_phone or ticket.requester_email):
        personal_data_viewed(request=request, subject=ticket, purpose="ticket work",
                             fields=[f for f in selectors.PERSONAL_FIELDS if getattr(ticket, f)])
    location = ticket.location.transform(4326, clone=True) if ticket.location else None
    return render(request, "tickets/detail.html", {
        "ticket": ticket, "can_edit": can_edit, "masked": not can_edit,
        "events": ticket.events.select_related("author"), "attachments": ticket.attachments.all(),
        "moves": allowed_moves(ticket.status), "status_labels": dict(Status.choices),
        "assign_form": AssignForm(assignees=assignees()), "transition_form": TransitionForm(),
        "comment_form": CommentForm(), "attach_form": AttachForm(), "merge_form": MergeForm(),
        "lonlat": (location.x, location.y) if location else None,
        "related": ticket.related.all(), "merged": ticket.merged.all()})


def _detail_post(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "assign":
            form = AssignForm(request.POST, assignees=assignees())
            if form.is_valid():
                services.ticket_assign(ticket=ticket, assignee=form.cleaned_data["assignee"], user=request.user)
        elif action == "transition":
            form = TransitionForm(request.POST)
            if form.is_valid():
                services.ticket_transition(ticket=ticket, status=form.cleaned_data["status"],
                                           note=form.cleaned_data["note"], user=request.user)
        elif action == "comment":
            form = CommentForm(request.POST)
            if form.is_valid():
                services.ticket_comment(ticket=ticket, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
                                        minutes=form.cleaned_data["minutes"], user=request.user)
        elif action == "attach":
            form = AttachForm(request.POST, request.FILES)
            if form.is_valid():
                services.ticket_attach(ticket=ticket, upload=form.cleaned_data["file"], user=request.user)
        elif action in ("merge", "link"):
            form = MergeForm(request.POST)
            if form.is_valid():
                other = Ticket.objects.filter(number=form.cleaned_data["into"].strip()).first()
                if other is None:
                    raise ValidationError(_("No ticket has that number."))
                if action == "merge":
                    services.ticket_merge(duplicate=ticket, into=other, user=request.user)
                else:
                    services.ticket_link(ticket=ticket, other=other, user=request.user)
        else:
            raise BadInput(_("Unknown action."))
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip()
                                   for f, e in form.errors.items()])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("tickets:detail", number=ticket.number)


@require_GET
@tickets_permission()
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The file streamed from the shared storage (any host serves it), never from a public URL;
    always a download, under the user's file name made safe for the header."""
    item = get_object_or_404(Attachment, pk=pk)
    try:
        handle = item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing from the file storage.")) from None
    return FileResponse(handle, as_attachment=True, filename=services.safe_file_name(item.original_name)
                        or f"ek-{item.pk}")


@require_GET
@tickets_permission()
def my_work(request: HttpRequest) -> HttpResponse:
    """The technician's open tickets as cards, most urgent first (SLA breached, at risk, then by
    priority and due time), filtered by SLA, priority and status; all of them on a map."""
    from .field_forms import MyWorkFilterForm
    from .templatetags.tickets_field import directions, tel_href

    filters = MyWorkFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        raise BadInput(" ".join(" ".join(e) for e in filters.errors.values()))
    mine = selectors.my_work(request.user)
    total = mine.count()
    wanted = filters.cleaned_data if filters.is_bound else {}
    if wanted.get("sla"):
        mine = mine.filter(sla_state=wanted["sla"])
    if wanted.get("priority"):
        mine = mine.filter(priority=wanted["priority"])
    if wanted.get("status"):
        mine = mine.filter(status=wanted["status"])
    rows = [(t, t.lonlat.coords if t.lonlat else None) for t in mine]
    rows = [(t, lonlat, directions(lonlat), tel_href(t.requester_phone)) for t, lonlat in rows]
    config = map_config(request)
    config["tickets"] = {"geojson": "/tickets/api/geojson?" + urlencode({"assignee": request.user.pk,
                                                                          "status": [s.value for s in Status
                                                                                     if s not in (Status.RESOLVED, Status.CLOSED)]},
                                                                         doseq=True)}
    return render(request, "tickets/my_work.html", {"rows": rows, "config": config, "today": timezone.localdate(),
                                                    "filters": filters, "total": total})


@require_GET
@tickets_permission()
def ticket_map(request: HttpRequest) -> HttpResponse:
    config = map_config(request)
    config["tickets"] = {"geojson": "/tickets/api/geojson?" + request.GET.urlencode()}
    filterset = TicketFilter(request.GET or None, queryset=Ticket.objects.all())
    return render(request, "tickets/map.html", {"config": config, "filter": filterset})


@require_GET
@tickets_permission()
def api_geojson(request: HttpRequest) -> HttpResponse:
    """Open (or the filtered) tickets as GeoJSON, built in SQL; status and SLA colour the map."""
    filterset = TicketFilter(request.GET or None, queryset=Ticket.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"error": " ".join(f"{filterset.form.fields[name].label}: {' '.join(errors)}"
                                               if name in filterset.form.fields else " ".join(errors)
                                               for name, errors in filterset.errors.items())},
                            status=400, json_dumps_params={"ensure_ascii": False})
    qs = filterset.qs if filterset.is_bound else Ticket.objects.filter(status__in=OPEN_STATES)
    return HttpResponse(selectors.tickets_geojson(qs), content_type="application/geo+json")


