"""A reusable permission test surface (after NetBox's ViewTestCases), for pytest.

Describe a route once with `Route`; `assert_route_permissions` then checks the whole matrix:
anonymous -> login redirect or 401/404, logged in without the grant -> 403 (404 for OGC),
with the grant -> success, and that a refused write created nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from cbs.accounts.models import Grant

_counter = iter(range(1, 1_000_000))


def make_user(*grants: tuple[str, str], staff: bool = True, superuser: bool = False, areas=()):
    """A user holding the given (resource, level) grants, optionally limited to mahalle `areas`."""
    n = next(_counter)
    user = get_user_model().objects.create_user(
        f"user{n}", f"user{n}@example.org", None, is_staff=staff, is_superuser=superuser)
    # No password: tests log in with force_login, and hashing would cost ~0.3 s per user.
    for resource, level in grants:
        grant = Grant.objects.create(user=user, resource=resource, level=level)
        grant.areas.set(areas)
    return user


@dataclass
class Route:
    """One endpoint and what it needs."""

    label: str
    url: str | Callable[[], str]
    grant: tuple[str, str] | None          # (resource, level) that opens it; None: superuser only
    method: str = "get"
    data: dict | Callable[[], dict] | None = None
    anonymous: str | int = "login"           # "login" = redirect to a login page, or a status
    denied: int = 403
    allowed: tuple[int, ...] = (200,)
    creates: type[Model] | None = None       # a write: row count must change only when allowed
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve(self) -> tuple[str, dict | None]:
        url = self.url() if callable(self.url) else self.url
        data = self.data() if callable(self.data) else self.data
        return url, data


def _call(client, route: Route):
    url, data = route.resolve()
    return getattr(client, route.method)(url, data or {}, **route.extra)


def _count(route: Route) -> int | None:
    return route.creates.objects.count() if route.creates is not None else None


def assert_route_permissions(client, route: Route) -> None:
    """The full matrix for one route; fails with the persona that misbehaved."""
    before = _count(route)
    response = _call(client, route)
    if route.anonymous == "login":
        assert response.status_code == 302 and "login" in response["Location"], (
            f"{route.label}: anonymous got {response.status_code}")
    else:
        assert response.status_code == route.anonymous, f"{route.label}: anonymous got {response.status_code}"
    assert _count(route) == before, f"{route.label}: anonymous write created something"

    client.force_login(make_user())
    response = _call(client, route)
    assert response.status_code == route.denied, (
        f"{route.label}: user without permission got {response.status_code}")
    assert _count(route) == before, f"{route.label}: denied write created something"

    if route.grant is not None:
        wrong_level = "view" if route.grant[1] == "edit" else None
        if wrong_level:
            client.force_login(make_user((route.grant[0], wrong_level)))
            response = _call(client, route)
            assert response.status_code == route.denied, (
                f"{route.label}: view-only user got {response.status_code}")
            assert _count(route) == before, f"{route.label}: view-only write created something"
        allowed_user = make_user(route.grant)
    else:
        allowed_user = make_user(superuser=True)
    client.force_login(allowed_user)
    response = _call(client, route)
    assert response.status_code in route.allowed, (
        f"{route.label}: permitted user got {response.status_code}")
    if route.creates is not None:
        assert _count(route) == before + 1, f"{route.label}: permitted write created nothing"
    client.logout()
