"""Creating, checking and revoking partner API tokens."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbs.audit.services import audit_record

from .models import ApiToken, Kurum

PREFIX = "kcbs_"


def token_prefix(value: str) -> str:
    """The stored, indexed lookup key of a token value."""
    return value.removeprefix(PREFIX)[:12]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@transaction.atomic
def token_create(*, kurum: Kurum | None = None, owner=None, name: str, expires_at: datetime, allowed_ips=(),
                 rate_limit_per_minute: int = 120, value: str | None = None, user=None) -> tuple[ApiToken, str]:
    """A new token and its value (returned once; only the digest is stored)."""
    value = value or f"{PREFIX}{secrets.token_urlsafe(32)}"
    token = ApiToken(kurum=kurum, user=owner, name=name, prefix=token_prefix(value), digest=_digest(value), expires_at=expires_at,
                     allowed_ips=list(allowed_ips), rate_limit_per_minute=rate_limit_per_minute)
    token.full_clean(exclude=["prefix", "digest"])  # also: institution xor staff member
    token.save()
    audit_record(action="token_create", object_type="partners.apitoken", object_id=token.pk,
                 object_repr=str(token), after={"kurum": kurum.name if kurum else None,
                                                "user": owner.get_username() if owner else None,
                                                "expires_at": expires_at,
                                                "allowed_ips": list(allowed_ips)}, user=user)
    return token, value


@transaction.atomic
def token_revoke(*, token: ApiToken, user=None) -> ApiToken:
    """Revoke at once: the next request with it is refused."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="token_revoke", object_type="partners.apitoken", object_id=token.pk,
                     object_repr=str(token), after={"revoked_at": token.revoked_at}, user=user)
    return token


class TokenRejected(Exception):
    """The presented token may not be used; `status` is 401, 403 or 429."""

    def __init__(self, message: str, status: int = 401, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def token_authenticate(value: str, *, source_ip: str | None) -> ApiToken:
    """The valid token for `value`, or TokenRejected with a translated reason."""
    if "\x00" in value:  # PostgreSQL cannot compare it (a Basic password can hold one: base64)
        raise TokenRejected(_("Invalid API token."))
    token = ApiToken.objects.select_related("kurum", "user").filter(prefix=token_prefix(value)).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(value)):
        raise TokenRejected(_("Invalid API token."))
    return token_check(token, source_ip=source_ip)


def token_check(token: ApiToken, *, source_ip: str | None) -> ApiToken:
    """`token` if it may be used now from `source_ip` (revocation, expiry, institution, IP
    allow-list, rate limit – counted as a request), or TokenRejected: for a token presented in a
    header and for one a browser session holds (cbs.partners.browser)."""
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRejected(_("This API token has been revoked."))
    if token.expires_at <= now:
        raise TokenRejected(_("This API token has expired."))
    if token.kurum is not None and not token.kurum.active:
        raise TokenRejected(_("The institution of this API token is not active."), status=403)
    if token.user is not None and not token.user.is_active:
        raise TokenRejected(_("The owner of this API token is not active."), status=403)
    if token.allowed_ips and not _ip_allowed(source_ip, token.allowed_ips):
        raise TokenRejected(_("This API token may not be used from your address."), status=403)
    _count_request(token, now)
    return token


def _ip_allowed(source_ip: str | None, allowed: list[str]) -> bool:
    if not source_ip:
        return False
    address = ipaddress.ip_address(source_ip)
    return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)


def _count_request(token: ApiToken, now: datetime) -> None:
    """Over the limit -> 429 with Retry-After. Counts the access log's records of the last minute
    for the token's institution (or staff owner): a read on an index, no write per request and
    no lock, and every host sees every other host's requests."""
    column, value = ("institution", token.kurum.name) if token.kurum is not None \
        else ("user", token.user.get_username())
    limit = token.rate_limit_per_minute
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM audit_accessrecord WHERE {column} = %s "  # noqa: S608
            "AND time > %s LIMIT %s) recent", [value, now - timedelta(minutes=1), limit + 1])
        count = cursor.fetchone()[0]
    if count >= limit:  # this request would be one more
        raise TokenRejected(_("Rate limit exceeded: %(n)d requests per minute.")
                            % {"n": limit}, status=429, retry_after=60 - now.second)
    if token.last_used is None or (now - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
