"""The technician's phone screens (issue 20.2): resolving on site. "İşlerim" is `views.my_work`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cbs.permissions import module_required

from .field_forms import ResolveOnSiteForm
from .models import Ticket
from .resolution import MaintenanceInput, ticket_resolve_on_site


@require_POST
@module_required("tickets", "edit")
def resolve_on_site(request: HttpRequest, number: str) -> HttpResponse:
    """Resolve; with the boxes ticked also set the asset active and write the maintenance record."""
    ticket = get_object_or_404(Ticket, number=number)
    form = ResolveOnSiteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields
                                         else " ".join(e) for f, e in form.errors.items()))
        return redirect("tickets:detail", number=ticket.number)
    data = form.cleaned_data
    maintenance = (MaintenanceInput(done_on=data["done_on"], outcome=data["outcome"], parts=data["parts"])
                   if data["maintenance"] else None)
    try:
        ticket_resolve_on_site(ticket=ticket, note=data["note"], user=request.user,
                               reactivate=data["reactivate"], maintenance=maintenance)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = [_("Ticket resolved.")]
        if data["reactivate"]:
            done.append(_("The asset is active again."))
        if maintenance:
            done.append(_("Maintenance record written."))
        messages.success(request, " ".join(done))
    return redirect("tickets:detail", number=ticket.number)
