"""Writing to the audit trail and the access log (the only way records are created)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from . import chain
from .context import current
from .models import AccessRecord, AuditRecord


def _json(value: Any) -> Any:
    """Plain JSON (dates, decimals and geometries as text) so the stored value hashes the same."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def audit_record(
    *, action: str, object_type: str, object_id: Any = "", object_repr: str = "",
    before: dict | None = None, after: dict | None = None, user=None, actor: str = "",
) -> AuditRecord:
    """Append one write to the audit trail; request id and IP come from the current request."""
    who = record_identity(user, actor)
    record = AuditRecord(
        time=timezone.now(), action=action, object_type=object_type, object_id=str(object_id),
        object_repr=str(object_repr)[:200], before=_json(before), after=_json(after), **who,
    )
    return chain.append(record)


def bulk_audit(query: str, params=(), *, time, user=None) -> int:
    """Audit records a query describes (see chain.append_query), with who and where as audit_record sets them."""
    who = record_identity(user)
    user_obj = who.pop("user")
    return chain.append_query(query, params, time=time, user_id=user_obj.pk if user_obj else None, **who)


def record_identity(user=None, actor: str = "") -> dict:
    """Who wrote (user, actor label) and from where (request id, IP), from the current request."""
    ctx = current.get()
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return {"user": user if authenticated else None,
            "actor": actor or (user.get_username() if authenticated else "") or ctx.label or "system",
            "request_id": ctx.request_id, "source_ip": ctx.source_ip}


def model_snapshot(obj: models.Model) -> dict:
    """A model row as plain values for before/after (many-to-many as ids, never a password)."""
    from django.forms.models import model_to_dict

    from django.contrib.gis.geos import GEOSGeometry
    from django.db.models.fields.files import FieldFile

    def plain(value):
        if isinstance(value, list | tuple):
            return [getattr(v, "pk", v) for v in value]
        if isinstance(value, GEOSGeometry):
            return value.ewkt
        if isinstance(value, FieldFile):
            return value.name
        return value

    data = model_to_dict(obj)
    return {k: plain(val) for k, val in data.items() if k != "password"}


def audit_model_write(*, action: str, obj: models.Model, before: dict | None = None,
                      after: dict | None = None, user=None) -> AuditRecord:
    """Audit a write of a non-layer model (users, grants, institutions, protocols, tokens)."""
    return audit_record(action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
                        object_repr=str(obj), before=before, after=after, user=user)


def access_record(
    *, method: str, path: str, status: int, size: int, user: str = "", institution: str = "",
    purpose: str = "",
) -> AccessRecord:
    """Append one access (HTTP request, or a view/export of personal data with its purpose)."""
    ctx = current.get()
    record = AccessRecord(
        time=timezone.now(), source_ip=ctx.source_ip, request_id=ctx.request_id,
        user=user[:150], institution=institution[:200], method=method[:10], path=path[:2000],
        status=status, bytes=size, purpose=purpose[:200],
    )
    return chain.append(record)


def access_record_insert(*, method: str, path: str, user: str = "", institution: str = "",
                         source: str, computed: dict[str, str], named: bool = False) -> tuple[str, list]:
    """SQL (and its parameters) inserting the access record of the current request as
    access_record() would, for a view that sends it inside its own statement – one round trip
    for the read and its record (ogc.fast_items, ogc.tiles). `computed` maps columns (status,
    bytes) to SQL expressions over `source`, the statement's CTE(s) that built the answer."""
    ctx = current.get()
    record = AccessRecord(
        time=timezone.now(), source_ip=ctx.source_ip, request_id=ctx.request_id,
        user=user[:150], institution=institution[:200], method=method[:10], path=path[:2000],
        status=0, bytes=0, purpose="",
    )
    return chain.unsealed_insert_sql(record, source, computed, named=named)


def access_record_values(*, method: str, path: str, user: str = "", institution: str = "",
                         computed: tuple[str, ...]) -> dict:
    """The bound values of access_record_insert(…, named=True)'s statement for the current
    request, by column, for a caller that keeps that statement's text (cbs.prepared). The same
    record as access_record_insert's, without building a model instance (a hot path)."""
    ctx = current.get()
    values = {"source_ip": ctx.source_ip, "request_id": ctx.request_id, "user": user[:150],
              "institution": institution[:200], "method": method[:10], "path": path[:2000],
              "status": 0, "bytes": 0, "purpose": ""}
    if "time" not in computed or "day" not in computed:  # else the statement's own clock
        now = timezone.now()
        values.update(time=now, day=now.astimezone(UTC).date())
    return chain.unsealed_values(values, computed)


def personal_data_viewed(*, request, subject: models.Model, fields: list[str], purpose: str) -> None:
    """Record that personal data of `subject` was shown or exported (KVKK): call from the view."""
    user = getattr(request, "user", None)
    access_record(
        method=request.method, path=request.get_full_path(), status=200, size=0,
        user=user.get_username() if user is not None and user.is_authenticated else "",
        purpose=f"{purpose}: {subject._meta.label}#{subject.pk} [{', '.join(fields)}]",
    )
