"""The user's notifications (list, mark read, follow) and their choice of how to get them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbs.http import BIGINT_MAX, BadInput, NotFound, digits

from . import selectors, services
from .kinds import NoticeKind
from .models import Notification


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, unread ones marked; 30 a page."""
    page = Paginator(selectors.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page,
                                                       "unread": selectors.unread_count(request.user)})


@require_POST
@login_required
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (id=…) or all read; back to the list."""
    raw = request.POST.get("id")
    if raw is None:
        services.mark_read(user=request.user)
    else:
        pk = digits(raw, BIGINT_MAX)
        if pk is None:
            raise BadInput(_("Unknown notification."))
        services.mark_read(user=request.user, ids=[pk])
    return redirect("notifications:list")


@require_GET
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link, marking it read (only the user's own notices)."""
    if pk > BIGINT_MAX:
        raise NotFound(_("Unknown notification."))
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        services.mark_read(user=request.user, ids=[notice.pk], now=timezone.now())
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) or not notice.url.startswith("/"):
        return redirect("notifications:list")
    return redirect(notice.url)


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """One row per kind: in the bell, by e-mail."""
    if request.method == "POST":
        choices = {kind: (request.POST.get(f"{kind}-in_app") == "on", request.POST.get(f"{kind}-email") == "on")
                   for kind in NoticeKind.values}
        services.preferences_save(user=request.user, choices=choices)
        messages.success(request, _("Your notification choices were saved."))
        return redirect("notifications:preferences")
    current = services.preferences_of(request.user)
    rows = [{"kind": kind, "label": label, "in_app": current[kind][0], "email": current[kind][1]}
            for kind, label in NoticeKind.choices]
    return render(request, "notifications/preferences.html", {"rows": rows, "has_email": bool(request.user.email)})
