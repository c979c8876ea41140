"""Every route of the site, walked from Django's URL configuration, as every persona, with
plausible and garbage values in its path, query and form: bad input is a 4xx, never a 5xx.

One run reports every hole at once (route, persona, method, input, exception). Requests run in a
savepoint that is rolled back, so a database error in one request cannot spoil the next one and
nothing a successful POST wrote stays for the next. The /ogc/ routes that pygeoapi's OpenAPI
document describes are fuzzed by schemathesis (tests/ogc/test_schemathesis.py); their tile routes
are walked here.
"""

from __future__ import annotations

import logging
import os
import re
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from cbs.accounts.roles import ROLES
from cbs.testing import make_user

# What garbage looks like: a word where a number or id belongs, empty, negative, numbers too big
# for PostgreSQL's bigint and integer and one near float's limit, NaN, a digit Python's isdigit()
# accepts and int() does not, a very long unicode string, a NUL byte (PostgreSQL text refuses it),
# a date at the calendar's end, a line break (it must never reach a header).
GARBAGE = [
    "abc", "", "-1", "99999999999999999999", "2147483648", "1e308", "nan", "²", "çğüşİ€😀" * 400,
    "a\x00b", "9999-12-31", "a\r\nb",
]
# Path segments: the same ideas, within what a URL segment can carry.
PATH_GARBAGE = ["nope", "0", "99999999999999999999", "2147483648", "²", "çğü€", "a\x00b", "x" * 1000, "1e308",
                str(uuid.uuid4())]

# Query/form parameters every route gets in one request per garbage value (all set at once).
GENERIC = ["id", "pk", "page", "layer", "format", "f", "bbox", "crs", "lon", "lat", "record", "version",
           "assignee", "category", "status", "period", "day", "first", "last", "start", "end", "q", "team",
           "priority", "channel", "mode", "action", "kind", "days", "staff", "unit", "r", "lang", "next"]

# schemathesis covers these (the OpenAPI document); tiles, the key page and the tile matrix sets
# are not in it, so they are walked here
SKIPPED_OGC = re.compile(r"^/ogc/(?!collections/[^/]+/tiles|key/|tileMatrixSets)")


# --- the URL configuration -------------------------------------------------------------------

@dataclass
class Slot:
    """A variable part of a route: its name and how it is matched."""

    name: str
    regex: str
    converter: object | None = None


@dataclass
class Route:
    pattern: str  # readable, e.g. map/history/<str:layer>/<int:tucbs_no>/
    parts: list  # literal strings and Slots, in order
    name: str  # namespace:name ("" when unnamed)
    callback: object


def _route_parts(pattern) -> list:
    """Literal text and slots of one level of the URL configuration."""
    if isinstance(pattern, RoutePattern):
        parts, route = [], pattern._route
        for match in re.finditer(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>|[^<]+", route):
            if match["name"]:
                converter = pattern.converters[match["name"]]
                parts.append(Slot(match["name"], converter.regex, converter))
            else:
                parts.append(match.group(0))
        return parts
    assert isinstance(pattern, RegexPattern), pattern
    regex = pattern._regex.lstrip("^").rstrip("$")
    parts, pos = [], 0
    for match in re.finditer(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", regex):
        parts.append(_unescape(regex[pos:match.start()]))
        parts.append(Slot(match[1], match[2]))
        pos = match.end()
    parts.append(_unescape(regex[pos:]))
    return [p for p in parts if p != ""]


def _unescape(text: str) -> str:
    literal = re.sub(r"\\(.)", r"\1", text)
    assert not re.search(r"[\^$*+?()\[\]{}|]", re.sub(r"\\.", "", text)), f"regex left in a route: {text}"
    return literal


def walk(resolver=None, parts=(), namespace="") -> Iterator[Route]:
    """Every URLPattern under `resolver`, recursively through included URLResolvers."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = [*parts, *_route_parts(entry.pattern)]
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from walk(entry, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            readable = "".join(p if isinstance(p, str) else f"<{p.name}>" for p in here)
            yield Route(readable, here, name, entry.callback)


# --- plausible values ------------------------------------------------------------------------

@dataclass
class World:
    """Real objects for plausible ids."""

    tucbs_no: int
    record: int
    version: int
    ticket: str
    attachment: int
    item: int
    camera: int
    job: str
    user: int
    category: int
    staff: int
    unit: int
    mahalle: int


def plausible_slot(slot: Slot, route: Route, world: World) -> list[str]:
    """Values for a path slot that reach the view with real objects (and one unknown)."""
    name, pattern = slot.name, route.pattern
    alternatives = re.fullmatch(r"[\w|-]+", slot.regex) and slot.regex.split("|")
    if alternatives:  # a regex alternation, e.g. the admin's app labels
        return alternatives[:2]
    table = {
        "layer": ["kh-hizmet", "kh-kamera", "tk-parsel"],
        "collection_id": ["kh-hizmet", "kh-kamera"],
        "tucbs_no": [str(world.tucbs_no)],
        "job_id": [world.job],
        "number": [world.ticket],
        "kind": ["kamera", "esya", "cihaz", "fiber", "lokasyon"],
        "key": [str(world.camera)],
        "theme": ["tickets", "coverage"],
        "fmt": ["html", "png"],
        "tms": ["WebMercatorQuad"], "tms_id": ["WebMercatorQuad"],
        "z": ["15"], "y": ["12285"], "x": ["19014"],
        "object_id": ["1"],
        "content_type_id": ["1"],
        "id": [str(world.user)],
        "url": ["nope/"],
        "photo_id": ["00000000-0000-4000-8000-000000000000"],  # field photos (an unknown one)
    }
    if name == "pk":
        return [str(world.attachment if "attachment" in pattern else world.item)]
    model_admin = getattr(route.callback, "model_admin", None)
    if name == "object_id" and model_admin is not None:  # a real row of the admin's model
        pk = model_admin.model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return [str(pk if pk is not None else 1)]
    assert name in table, f"no plausible value for <{name}> in {pattern}"
    return table[name]


def fill(route: Route, values: dict[str, str]) -> str:
    return "/" + "".join(p if isinstance(p, str) else quote(values[p.name], safe="") for p in route.parts)


def accepts(slot: Slot, value: str) -> bool:
    """Would the resolver hand `value` to the view (the converter's regex and to_python)?"""
    if not re.fullmatch(slot.regex, value):
        return False
    if slot.converter is not None:
        try:
            slot.converter.to_python(value)
        except ValueError:
            return False
    return True


# --- the parameters each view reads (from its code) -------------------------------------------

def specs(world: World) -> dict[str, dict[str, tuple[dict, list[str]]]]:
    """URL name -> {"get"/"post"[_variant]: (plausible parameters, names to garble one at a time)}.

    Read off each view's code; a form's plain text fields (Django refuses what they cannot take)
    are represented by one of them."""
    ticket_filter = ["q", "status", "team", "category", "priority", "channel", "assignee", "mahalle", "sla",
                     "opened_after", "opened_before", "page", "legal", "sort"]
    no_tickets = {"q": "yok-boyle-kayit"}  # the filters garbled one at a time over an empty list
    new_ticket = {"title": "Yazıcı", "description": "Kağıt sıkışıyor", "channel": "telefon",
                  "category": str(world.category), "priority": "3", "requester_name": "Ali Veli",
                  "requester_phone": "0212 555 11 22", "consent_note": "sözlü", "lon": "28.905", "lat": "41.0"}
    period = ["period", "day", "first", "last"]
    return {
        "search": {"get": ({"q": "Atatürk"}, ["q"])},
        "layers:table": {"get": ({"sort": "adi", "order": "desc", "f": "adi:contains:a", "mahalle": "1",
                                  "bbox": "28.89,40.98,28.91,41.0", "ids": "1,2", "offset": "0", "limit": "10",
                                  "meta": "1"},
                                 ["sort", "order", "f", "mahalle", "bbox", "ids", "offset", "limit"])},
        "layers:feature_history": {"post": ({"record": str(world.record), "version": str(world.version),
                                             "mode": "undo"}, ["record", "version", "mode"])},
        "layers:export": {"get": ({"layer": "kh-hizmet", "format": "geojson", "crs": "4326",
                                   "bbox": "28.89,40.98,28.91,41.0", "ids": "1,2"},
                                  ["layer", "format", "crs", "bbox", "ids"])},
        "layers:metadata_edit": {"post": ({"title": "Başlık", "update_frequency": "daily",
                                           "scale_denominator": "1000"},
                                          ["title", "update_frequency", "scale_denominator", "contact_email"])},
        "layers:import_list": {"post": ({"layer": "kh-hizmet"}, ["layer"])},
        "layers:import_detail": {"post": ({"action": "save", "srid": "4326", "mode": "append",
                                           "source_index": "0"},
                                          ["action", "srid", "mode", "source_index", "swap_axes", "x_field",
                                           "map_adi", "code_hizmetTipi__x"]),
                                 "post_replace": ({"action": "save", "srid": "4326", "mode": "replace",
                                                   "area": str(world.mahalle)}, ["area"])},
        "tickets:queue": {"get": (no_tickets, ticket_filter),
                          "post": ({"assignee": str(world.user), "ticket": "1"}, ["assignee", "ticket", "query"]),
                          "post_save": ({"action": "save_filter", "name": "x", "query": "status=yeni"},
                                        ["name", "query"])},
        "tickets:new": {"get": ({"camera": str(world.camera)}, ["camera", "device", "site"]),
                        "post": (new_ticket, ["title", "channel", "category", "priority", "requester_staff",
                                              "requester_email", "lon", "lat", "camera", "device", "site", "item",
                                              "cimer_number", "cimer_applied_on"])},
        "tickets:api_staff_items": {"get": ({"staff": str(world.staff)}, ["staff"])},
        "selfservice:new": {"post": ({"title": "Yazıcı", "category": str(world.category), "place": "map",
                                      "lon": "28.905", "lat": "41.0"},
                                     ["title", "category", "place", "item", "address", "lon", "lat"])},
        "selfservice:detail": {"post": ({"action": "reply", "text": "Hâlâ bozuk"}, ["action", "text"]),
                               "post_rate": ({"action": "rate", "rating": "4"}, ["rating", "comment"]),
                               "post_reopen": ({"action": "reopen", "reason": "Bozuk"}, ["reason"])},
        "tickets:detail": {"post": ({"action": "comment", "kind": "not", "text": "not", "minutes": "5"},
                                    ["action", "kind", "text", "minutes"]),
                           "post_assign": ({"action": "assign", "assignee": str(world.user)}, ["assignee"]),
                           "post_transition": ({"action": "transition", "status": "islemde"}, ["status", "note"]),
                           "post_merge": ({"action": "link", "into": world.ticket}, ["into"])},
        "tickets:map": {"get": (no_tickets, ticket_filter)},
        "notifications:mark_read": {"post": ({"id": "1"}, ["id"])},
        "notifications:preferences": {"post": ({"atama-in_app": "on", "atama-email": "on"},
                                               ["atama-in_app", "atama-email"])},
        "tickets:api_geojson": {"get": (no_tickets, ticket_filter)},
        "reports:activity": {"get": ({"period": "week"}, [*period, "format"])},
        "reports:thematic_map": {"get": ({"period": "year"}, [*period, "category"])},
        "assets:search": {"get": ({"q": "ZB"}, ["q"])},
        "assets:holdings": {"get": ({"unit": str(world.unit)}, ["staff", "unit"])},
        "assets:expiring": {"get": ({}, ["days"])},
        "assets:api_near": {"get": ({"lon": "28.905", "lat": "41", "r": "200"}, ["lon", "lat", "r"])},
        "assets:api_cameras_seeing": {"get": ({"lon": "28.905", "lat": "41"}, ["lon", "lat"])},
        "assets:api_outage": {"get": ({"device": "3"}, ["device", "fiber"])},
        "assets:api_sectors": {"get": ({"bbox": "28.89,40.98,28.91,41.0"}, ["bbox"])},
        "assets:item": {"post": ({"action": "return", "return-on": "2026-01-05"},
                                 ["action", "return-on", "return-faulty"]),
                        "post_assign": ({"action": "assign", "assign-staff": str(world.staff),
                                         "assign-document_no": "ZT-1", "assign-on": "2026-01-05"},
                                        ["assign-staff", "assign-document_no", "assign-on"]),
                        "post_move": ({"action": "move", "move-to_unit": str(world.unit), "move-on": "2026-01-05"},
                                      ["move-to_unit", "move-on"])},
        "assets:maintenance_add": {"post": ({"done_on": "2026-01-05", "fault": "Arıza", "action": "Onarım",
                                             "outcome": "giderildi"}, ["done_on", "fault", "outcome"])},
        "login": {"post": ({"username": "nobody", "password": "x"}, ["username", "password", "next"])},
        "set_language": {"post": ({"language": "en", "next": "/"}, ["language", "next"])},
    }


# Django's admin is Django's code over our ModelAdmins: a lighter sample (its change lists are
# the slowest pages of the site).
ADMIN_CHANGELIST = ["q", "o", "p", "_to_field"]
ADMIN_GARBAGE = ["abc", "99999999999999999999", "çğüşİ€😀" * 400]
ADMIN_PATH_GARBAGE = ["99999999999999999999", "çğü€"]


# --- personas --------------------------------------------------------------------------------

def personas() -> list[tuple[str, object]]:
    people = [("anonymous", None), ("staff without roles", make_user())]
    for role in ROLES:
        user = make_user(staff=role.staff, superuser=role.superuser)
        user.groups.add(Group.objects.get(name=role.name))
        people.append((role.name, user))
    people.append(("superuser", make_user(superuser=True)))
    # A member of staff with a staff record and zimmet (self-service, no back-office grant).
    from backoffice.assets.models import Staff

    employee = make_user(staff=False)
    Staff.objects.filter(pk=Staff.objects.filter(assignments__returned_on__isnull=True).order_by("pk")
                         .values("pk")[:1]).update(user=employee)
    people.append(("personel with zimmet", employee))
    return people


# --- the walk --------------------------------------------------------------------------------

@pytest.fixture
def world(db, monkeypatch, settings, tmp_path) -> World:
    from backoffice.assets.models import Camera, InventoryItem, Staff, Unit
    from backoffice.tickets import services as tickets
    from backoffice.tickets.models import Category
    from layers.history import feature_versions
    from layers.imports import jobs
    from layers.models import KamuHizmeti, Mahalle
    from layers.registry import get_layer
    from layers.services import feature_update

    settings.MEDIA_ROOT = tmp_path  # the attachment's file
    # "check" only queues a job (no worker runs in this test)
    owner = make_user(superuser=True)
    hizmet = get_layer("kh-hizmet")
    feature = KamuHizmeti.objects.order_by("tucbs_no").first()
    feature = feature_update(layer=hizmet, instance=feature, user=owner, properties={"adi": "Yeni Ad"})
    camera = Camera.objects.order_by("tucbs_no").first()
    ticket = tickets.ticket_open(user=None, data=tickets.TicketInput(
        title="Kamera görüntü yok", description="Görüntü yok.", channel="telefon",
        category=Category.objects.get(name="Görüntü yok"), priority=2, requester_name="Ayşe Yılmaz",
        requester_phone="0532 123 45 67", consent_note="sözlü", camera=camera))
    attachment = tickets.ticket_attach(ticket=ticket, upload=SimpleUploadedFile("not.txt", b"not", "text/plain"),
                                       user=owner)
    job = jobs.job_create(user=owner, layer_name="kh-hizmet", upload=ContentFile(
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adi":"A"},'
        b'"geometry":{"type":"Point","coordinates":[28.905,41.0]}}]}', name="x.geojson"))
    return World(
        tucbs_no=feature.tucbs_no, record=feature_versions(hizmet, feature.tucbs_no).first().pk,
        version=feature.version, ticket=ticket.number, attachment=attachment.pk,
        item=InventoryItem.objects.order_by("pk").first().pk, camera=camera.tucbs_no, job=str(job.pk),
        user=owner.pk, category=Category.objects.order_by("pk").first().pk, staff=Staff.objects.first().pk,
        unit=Unit.objects.first().pk, mahalle=Mahalle.objects.first().uavt_kodu)


class _NoWorker:
    pid = 0

    def __init__(self, *args, **kwargs):
        pass


@dataclass
class Failure:
    persona: str
    method: str
    url: str
    data: dict
    status: int
    error: str

    def __str__(self) -> str:
        def short(value):
            return value[:30] + "…" if isinstance(value, str) and len(value) > 30 else value

        shown = {k: short(v) for k, v in self.data.items()}
        if len(shown) > 6 and len(set(self.data.values())) == 1:  # the generic parameters, all one value
            shown = {"<every generic parameter>": short(next(iter(self.data.values())))}
        url = self.url if len(self.url) < 100 else self.url[:100] + "…"
        return f"{self.status} {self.persona}: {self.method.upper()} {url} {shown or ''} -> {self.error}"


class Persona:
    """A logged-in test client (or an anonymous one) that records its server errors."""

    def __init__(self, name: str, user, failures: list[Failure]):
        self.name, self.user, self.failures = name, user, failures
        self.client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="tr")
        self.count = 0
        self.reset()

    def reset(self) -> None:
        self.client.cookies.clear()
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method: str, url: str, data: dict):
        self.count += 1
        session = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        with transaction.atomic():  # a savepoint, rolled back and released (else they nest)
            response = getattr(self.client, method)(url, data)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            self.failures.append(Failure(self.name, method, url, data, response.status_code,
                                         _describe(response)))
        # A logout or login changed the session, set-language the language: the database is back
        # as it was, so put the cookies back too (logging in again would write a session row
        # and a last_login update outside the savepoints, each slowing every later request).
        if settings.SESSION_COOKIE_NAME in response.cookies:
            if session is not None:
                self.client.cookies[settings.SESSION_COOKIE_NAME] = session.value
            else:
                self.client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return response


def turned_away_by_rights(response) -> bool:
    if response.status_code == 302:
        return "/login/" in response.get("Location", "")
    return response.status_code in (401, 403)


def refused(response) -> bool:
    """The persona is turned away (login page, 401/403) or the method is not allowed."""
    if response.status_code == 302:
        return "/login/" in response.get("Location", "")
    return response.status_code in (401, 403, 405)


def garbage_requests(route: Route, world: World, table: dict, methods: list[str]) -> Iterator[tuple]:
    """(method, url, data) with garbage: in each path slot (the others plausible), in the generic
    parameters (all at once) and in the parameters the view reads (one at a time, others plausible)."""
    slots = [p for p in route.parts if isinstance(p, Slot)]
    options = {s.name: plausible_slot(s, route, world) for s in slots}
    base_values = {name: values[0] for name, values in options.items()}
    url = fill(route, base_values)
    for name, values in options.items():  # the other plausible values
        for value in values[1:]:
            for method in methods:
                yield method, fill(route, {**base_values, name: value}), {}
    admin = route.pattern.startswith("admin/")
    for slot in slots:
        for value in ADMIN_PATH_GARBAGE if admin else PATH_GARBAGE:
            if accepts(slot, value):
                for method in methods[:1] if admin else methods:
                    yield method, fill(route, {**base_values, slot.name: value}), {}
    if admin:
        yield from admin_garbage(route, url, methods)
        return
    for method in methods:
        for value in GARBAGE:
            yield method, url, dict.fromkeys(GENERIC, value)
    for key, (base, names) in table.get(route.name, {}).items():
        method = key.split("_")[0]
        if method in methods:
            yield method, url, base
            for name in names:
                for value in GARBAGE:
                    yield method, url, {**base, name: value}


def admin_garbage(route: Route, url: str, methods: list[str]) -> Iterator[tuple]:
    """Django's admin over our ModelAdmins: garbage in the change list's parameters, and in every
    field of the add and change forms at once (our forms, widgets and save hooks)."""
    if "post" in methods:
        yield "post", url, {}
    model_admin = getattr(route.callback, "model_admin", None)
    if model_admin is None:
        for method in methods:
            for value in ADMIN_GARBAGE:
                yield method, url, dict.fromkeys(GENERIC, value)
        return
    if "get" in methods and re.fullmatch(r"admin/\w+/\w+/", route.pattern):  # a change list
        for name in ADMIN_CHANGELIST:
            for value in ADMIN_GARBAGE[:2]:
                yield "get", url, {name: value}
    if "post" in methods and re.search(r"/(add|change)/$", route.pattern):
        meta = model_admin.model._meta
        names = [f.name for f in [*meta.concrete_fields, *meta.many_to_many] if f.editable and not f.primary_key]
        for value in ADMIN_GARBAGE:
            yield "post", url, dict.fromkeys(names, value)


def walk_route(route: Route, world: World, table: dict, people: list[Persona]) -> None:
    """Every persona sends the plausible GET and POST; the garbage is shared round-robin among the
    personas that got through (each (parameter, value) is sent once, by one of them), and one of the
    personas that were turned away sends garbage too (checks that run before the refusal)."""
    slots = [p for p in route.parts if isinstance(p, Slot)]
    url = fill(route, {s.name: plausible_slot(s, route, world)[0] for s in slots})
    assert resolve(url).func is route.callback, f"{url} does not reach {route.pattern}"
    open_to: dict[str, list[Persona]] = {"get": [], "post": []}
    admin = route.pattern.startswith("admin/")
    for person in people:
        answer = person.send("get", url, {})
        if not refused(answer):
            open_to["get"].append(person)
        if turned_away_by_rights(answer):
            continue  # the same refusal for POST (no view here refuses GET but takes POST)
        if admin:  # the admin's views take both; one empty POST is sent with the garbage
            open_to["post"].append(person)
        elif not refused(person.send("post", url, {})):
            open_to["post"].append(person)
    methods = [m for m in ("get", "post") if open_to[m]]
    turned_away = [p for p in people if not any(p in open_to[m] for m in methods)]
    for i, (method, each, data) in enumerate(garbage_requests(route, world, table, methods)):
        pool = open_to[method]
        pool[i % len(pool)].send(method, each, data)
    if turned_away:  # one persona that was turned away tries garbage too (a check before the refusal)
        person, value = turned_away[len(url) % len(turned_away)], GARBAGE[len(url) % len(GARBAGE)]
        person.send(methods[0] if methods else "get", url, dict.fromkeys(GENERIC, value))



def test_no_route_answers_5xx_to_bad_input(world):
    """Every route, every persona, garbage in path, query and form: 0 × 5xx (all listed at once)."""
    table = specs(world)
    routes = [r for r in walk() if not SKIPPED_OGC.match("/" + r.pattern)]
    assert len(routes) > 100, "the walk found too few routes"
    only = os.environ.get("CBS_URL_FUZZ_ONLY")  # a regex over routes, to look at a few while fixing
    routes = [r for r in routes if not only or re.search(only, r.pattern)]
    failures: list[Failure] = []
    started, timing = time.monotonic(), {}
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [log.level for log in loggers]
    for log in loggers:  # the 500s are collected below, not logged one by one
        log.setLevel(logging.CRITICAL)
    try:
        people = [Persona(name, user, failures) for name, user in personas()]
        for route in routes:
            t0, n0 = time.monotonic(), sum(p.count for p in people)
            walk_route(route, world, table, people)
            timing[route.pattern] = (time.monotonic() - t0, sum(p.count for p in people) - n0)
    finally:
        for log, level in zip(loggers, levels, strict=True):
            log.setLevel(level)
    seconds, count = time.monotonic() - started, sum(p.count for p in people)
    slowest = sorted(timing.items(), key=lambda item: -item[1][0])[:8]
    print(f"url walk: {len(routes)} routes, {len(people)} personas, {count} requests in {seconds:.0f} s; "
          f"slowest: {', '.join(f'{p} {t:.1f} s/{n}' for p, (t, n) in slowest)}")
    unique = {}
    for failure in failures:  # one line per route, method and error, with how often it happened
        key = (_route_of(failure.url), failure.method, re.sub(r"'.*?'|\d+", "…", failure.error))
        unique.setdefault(key, [failure, 0])[1] += 1
    report = "\n".join(f"{f} (×{n})" for f, n in unique.values())
    assert not failures, f"{len(failures)} server errors, {len(unique)} distinct:\n{report}"


def _route_of(url: str) -> str:
    try:
        return resolve(url).route
    except Resolver404:
        return url


def _describe(response) -> str:
    """The exception behind a 5xx and where it was raised (the last frame of the project's code)."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "(no exception)"
    _type, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f.filename.startswith(str(settings.BASE_DIR)) and "/.venv/" not in f.filename]
    frame = (ours or frames)[-1]
    return f"{type(value).__name__}: {str(value)[:150]} @ {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
