"""Tickets for the site-wide search: by number ("#2026-000123", "000123") or subject words, folded
like every search (cbs.fold). Only for users who may open tickets (the tickets module grant)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from cbs.accounts.selectors import user_can
from cbs.fold import Fold, fold_value
from cbs.hits import Hit, lonlat_bbox, with_lonlat

from .models import Ticket

PER_KIND = 6


def ticket_search_hits(query: str, user) -> list[Hit]:
    """Tickets whose number holds the typed number, or whose subject holds every word."""
    text = " ".join(query.split())[:100].lstrip("#").strip()
    if len(text) < 2 or not user_can(user, "module:tickets", "view"):
        return []
    qs = Ticket.objects.annotate(_fold_number=Fold("number"), _fold_title=Fold("title"))
    match = Q(_fold_number__contains=fold_value(text))
    if len(text) >= 3 and not text.replace("-", "").isdigit():
        words = Q()
        for word in text.split():
            words &= Q(_fold_title__contains=fold_value(word))
        match |= words
    rows = with_lonlat(qs.filter(match).only("number", "title", "status", "created_at"), "location") \
        .order_by("-created_at")[:PER_KIND]
    return [Hit("ticket", f"#{t.number} {t.title}", t.get_status_display(), None, t.number,
                lonlat_bbox(t), reverse("tickets:detail", args=[t.number])) for t in rows]
