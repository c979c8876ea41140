"""Reads over tickets: SLA state (in SQL, for filters and maps), the queue, "my work", the ticket
map's GeoJSON, tickets of an asset, and masking of personal fields."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.gis.db.models.functions import Transform
from django.db import connection
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone

from .models import OPEN_STATES, Status, Ticket

AT_RISK = timedelta(hours=2)  # open tickets due within this (wall-clock) time


class Sla:
    NONE, OK, AT_RISK, BREACHED = "none", "ok", "risk", "breached"


def with_sla_state(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    """Annotate `sla_state`: breached (resolved late, or open past due – a waiting ticket is
    judged at the moment it started waiting), at risk (open, due within two hours), ok, none."""
    now = now or timezone.now()
    open_states = [s.value for s in OPEN_STATES]
    return qs.annotate(sla_state=Case(
        When(resolution_due__isnull=True, then=Value(Sla.NONE)),
        When(resolved_at__gt=F("resolution_due"), then=Value(Sla.BREACHED)),
        When(Q(status=Status.WAITING) & Q(paused_at__gt=F("resolution_due")), then=Value(Sla.BREACHED)),
        When(Q(status__in=open_states) & ~Q(status=Status.WAITING) & Q(resolution_due__lt=now),
             then=Value(Sla.BREACHED)),
        When(Q(status__in=open_states) & ~Q(status=Status.WAITING) & Q(resolution_due__lt=now + AT_RISK),
             then=Value(Sla.AT_RISK)),
        default=Value(Sla.OK), output_field=CharField()))


def _sla_q(state: str, now: datetime) -> Q:
    """The same states as `with_sla_state`, as plain conditions the planner can use."""
    open_running = Q(status__in=[s.value for s in OPEN_STATES]) & ~Q(status=Status.WAITING)
    breached = (Q(resolved_at__gt=F("resolution_due"))
                | Q(status=Status.WAITING, paused_at__gt=F("resolution_due"))
                | (open_running & Q(resolution_due__lt=now)))
    if state == Sla.BREACHED:
        return Q(resolution_due__isnull=False) & breached
    if state == Sla.AT_RISK:
        return open_running & Q(resolution_due__gte=now, resolution_due__lt=now + AT_RISK)
    if state == Sla.NONE:
        return Q(resolution_due__isnull=True)
    return Q(resolution_due__isnull=False) & ~breached & ~(open_running & Q(resolution_due__lt=now + AT_RISK))


def sla_filter(qs: QuerySet, state: str, now: datetime | None = None) -> QuerySet:
    return qs.filter(_sla_q(state, now or timezone.now()))


# The columns a queue row shows (with the SLA and legal states computed in SQL): no geometry to
# parse, no description, no joined columns the row does not print.
QUEUE_COLUMNS = ("number", "title", "status", "priority", "created_at", "resolution_due", "resolved_at",
                 "paused_at", "legal_due", "requester_name", "requester_phone", "requester_email",
                 "team__name", "assignee__username", "requester_staff__name", "requester_staff__unit__name")


def queue_rows(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    """The help-desk queue's rows of a (filtered) queryset: what a row shows, states annotated."""
    from .cimer import with_legal_state

    qs = qs.select_related("team", "assignee", "requester_staff__unit").only(*QUEUE_COLUMNS)
    return with_legal_state(with_sla_state(qs, now), now)


def my_work(user, now: datetime | None = None) -> QuerySet:
    """The technician's open tickets, most urgent first: SLA breached, then at risk, then the
    rest; within each by priority (critical first), then by resolution due time."""
    urgency = Case(When(sla_state=Sla.BREACHED, then=Value(0)), When(sla_state=Sla.AT_RISK, then=Value(1)),
                   default=Value(2))
    return (with_sla_state(Ticket.objects.filter(assignee=user, status__in=OPEN_STATES), now)
            .annotate(lonlat=Transform("location", 4326), urgency=urgency)
            .select_related("category", "camera", "device", "site", "item", "requester_staff")
            .order_by("urgency", "priority", F("resolution_due").asc(nulls_last=True), "created_at"))


def asset_tickets(**asset) -> QuerySet:
    """Tickets about one asset (camera=…, device=…, site=… or item=…), newest first."""
    return Ticket.objects.filter(**asset).order_by("-created_at")


def tickets_geojson(qs: QuerySet, now: datetime | None = None, limit: int = 20000) -> str:
    """The located tickets of a (filtered) queryset as a GeoJSON FeatureCollection in CRS84,
    built by PostgreSQL from the queryset's own SQL (no rows loaded into Python)."""
    status_label = Case(*(When(status=value, then=Value(str(label))) for value, label in Status.choices),
                        default=Value(""), output_field=CharField())
    inner = with_sla_state(qs.filter(location__isnull=False), now).order_by().annotate(
        status_label=status_label).values(
        "id", "number", "title", "status", "status_label", "priority", "sla_state", "location")[:limit]
    sql, params = inner.query.sql_with_params()
    query = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', t.number,
            'geometry', ST_AsGeoJSON(ST_Transform(t.location, 4326), 6)::json,
            'properties', json_build_object('status', t.status, 'priority', t.priority,
                                            'sla', t.sla_state, 'title', t.title,
                                            'status_label', t.status_label))), '[]'))::text
        FROM ({sql}) t
    """  # noqa: S608  (the inner SQL is Django's, its values bound)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def mask(value: str) -> str:
    """'Ayşe Yılmaz' → 'A*** Y*****', '0532 123 45 67' → '0532 *** ** 67', 'a@b.tr' → 'a***@b.tr'."""
    if not value:
        return ""
    if "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    if sum(c.isdigit() for c in value) >= 7:
        digits = [i for i, c in enumerate(value) if c.isdigit()]
        keep = set(digits[:4] + digits[-2:])
        return "".join(c if (not c.isdigit() or i in keep) else "*" for i, c in enumerate(value))
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in value.split())


PERSONAL_FIELDS = ("requester_name", "requester_phone", "requester_email")



def tickets_near(point, radius_m: float, limit: int = 200) -> list[tuple[Ticket, float]]:
    """Open tickets within `radius_m` metres of a point in the storage CRS, nearest first
    (ST_DWithin on the location's GiST index), each with its distance in metres."""
    from django.contrib.gis.db.models.functions import Distance
    from django.contrib.gis.measure import D

    qs = (with_sla_state(Ticket.objects.filter(status__in=OPEN_STATES, location__dwithin=(point, D(m=radius_m))))
          .annotate(distance=Distance("location", point), lonlat=Transform("location", 4326))
          .order_by("distance", "number")[:limit])
    return [(t, t.distance.m) for t in qs]
