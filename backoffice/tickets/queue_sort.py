"""Sortable columns of the help-desk queue: `?sort=<column>` or `?sort=-<column>`; a column name
from the request is looked up here, never passed to the ORM as it is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.http import QueryDict

COLUMNS = {
    "number": ("number",), "subject": ("title",), "status": ("status",), "priority": ("priority",),
    "team": ("team__name",), "assignee": ("assignee__username",), "due": ("resolution_due",),
    "opened": ("created_at",),
}
DEFAULT = "-opened"
NULLABLE = {"team__name", "assignee__username", "resolution_due"}


@dataclass(frozen=True)
class SortLink:
    query: str  # the page's query with this column's sort (page reset)
    arrow: str  # "▲", "▼" or ""


def parse(raw: str | None) -> tuple[str, bool]:
    """(column, descending) of a sort parameter; anything unknown is the default."""
    value = (raw or DEFAULT)[:20]
    column, descending = value.lstrip("-"), value.startswith("-")
    if column not in COLUMNS:
        column, descending = DEFAULT.lstrip("-"), True
    return column, descending


def order_by(raw: str | None) -> list:
    """ORM ordering for the sort parameter; empty values last. Columns that are never empty keep a
    plain ORDER BY, which their index serves (NULLS LAST on "opened" would force a sort of every
    matching ticket)."""
    column, descending = parse(raw)
    fields = []
    for name in COLUMNS[column]:
        if name in NULLABLE:
            fields.append(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
        else:
            fields.append(f"-{name}" if descending else name)
    return [*fields, "-id"] if column != "opened" else fields


def links(params: QueryDict) -> dict[str, SortLink]:
    """One link per column: a click sorts by it, a second click reverses."""
    column, descending = parse(params.get("sort"))
    found = {}
    for name in COLUMNS:
        query = params.copy()
        query.pop("page", None)
        same = name == column
        query["sort"] = (name if descending else f"-{name}") if same else name
        found[name] = SortLink(query.urlencode(), ("▼" if descending else "▲") if same else "")
    return found
