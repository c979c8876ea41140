"""Login lockout by user name *and* address, kept by django-axes (settings AXES_*).

Five wrong passwords for `admin` from one address lock `admin` out from that address only; the
same account still logs in from elsewhere. The address is `cbs.audit.middleware.client_ip`
(CBS_TRUSTED_PROXY_COUNT), the same one the access log records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from axes.models import AccessAttempt
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record


@dataclass(frozen=True)
class Lockout:
    """A user name locked out from one address until a moment."""

    username: str
    address: str | None
    until: datetime

    def message(self) -> str:
        """What the login page says, in the user's language."""
        minutes = max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))
        until = timezone.localtime(self.until)
        same_day = until.date() == timezone.localdate()
        return _("Too many failed logins for this account from your address (%(address)s): "
                 "logging in to it from this address is locked. The lock ends at %(time)s "
                 "(in %(minutes)d min.). It applies to this address only; an administrator can "
                 "lift it sooner.") % {
            "address": self.address or _("unknown"), "minutes": minutes,
            "time": time_format(until, "H:i") if same_day else date_format(until, "SHORT_DATETIME_FORMAT")}


def login_lockout(*, request: HttpRequest, username: str) -> Lockout | None:
    """The lockout of `username` from this request's address, or None if it may try."""
    if not username:
        return None
    credentials = get_credentials(username)
    if not AxesProxyHandler.is_locked(request, credentials):
        return None
    address = request.axes_ip_address  # set by axes from CBS' client_ip
    cool_off = get_cool_off(request)
    last = (AccessAttempt.objects.filter(username=username, ip_address=address,
                                         attempt_time__gte=timezone.now() - cool_off)
            .aggregate(last=Max("attempt_time"))["last"]) or timezone.now()
    return Lockout(username=username, address=address, until=last + cool_off)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what axes answers once a login attempt is refused as locked.

    Our login forms already show the lockout next to the form (`cbs_lockout_shown`): keep that
    page. Any other login path gets the same message as plain text with 429.
    """
    if original_response is not None and getattr(request, "cbs_lockout_shown", False):
        return original_response
    username = (credentials or {}).get("username") or ""
    lockout = login_lockout(request=request, username=username)
    text = lockout.message() if lockout else _("Too many failed logins; try again later.")
    return HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")


def active_lockouts(*, username: str | None = None) -> list[Lockout]:
    """Lockouts in force now (of one user name, or all), newest first."""
    from django.conf import settings

    cool_off = get_cool_off()
    rows = (AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
            .values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last"))
    if username is not None:
        rows = rows.filter(username=username)
    return [Lockout(username=r["username"], address=r["ip_address"], until=r["last"] + cool_off)
            for r in rows]


@transaction.atomic
def lockout_reset(*, username: str, address: str | None = None, user=None) -> int:
    """Lift the lockout of `username` from one address (or from every address); audited.

    Returns the number of attempt records removed."""
    count = AxesProxyHandler.reset_attempts(username=username, ip_address=address)
    audit_record(action="lockout_reset", object_type="axes.accessattempt", object_id=username,
                 object_repr=f"{username} @ {address or '*'}",
                 after={"username": username, "address": address, "attempts": count}, user=user)
    return count
