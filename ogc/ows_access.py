"""The access record (Law 5651) of a WMS/WFS request, appended once the answer has left.

A WSGI server calls `response.close()` after it has written the whole body (gunicorn, the test
client and Django's live server alike); the record is inserted there, so the partner does not
wait for our second database round trip – on a loaded host each round trip to PostgreSQL costs
a wake-up of its backend, and the engine's answer (an image, a page of features) is already
complete. The record holds what the middleware would write (method, path without any key,
status, byte count, user and institution, request id and address) and, like every access
record, does not wait for the WAL flush (cbs.audit.chain). What may be lost: a record whose
worker dies in the moment between sending the answer and the INSERT (README).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from cbs.audit.context import current
from cbs.audit.middleware import access_identity
from cbs.audit.services import access_record

logger = logging.getLogger(__name__)


def record_after_delivery(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Take the request's access record over from cbs.audit.middleware and append it when the
    response is closed. Values that belong to the request are read now (the request context
    has ended by then); status and size are the response's final ones."""
    request.cbs_access_recorded = True
    actor = current.get()
    method, path = request.method, request.get_full_path()
    user, institution = access_identity(request)

    def write() -> None:
        token = current.set(actor)
        try:
            access_record(method=method, path=path, status=response.status_code,
                          size=0 if response.streaming else len(response.content),
                          user=user, institution=institution)
        except Exception:  # close() swallows closers' errors: say it loudly ourselves
            logger.exception("access record of request %s not written", actor.request_id)
        finally:
            current.reset(token)

    # Django runs a response's resource closers first in close(), before request_finished
    # (which may close the database connection).
    response._resource_closers.append(write)
    return response
