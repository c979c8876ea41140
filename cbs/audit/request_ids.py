"""Request ids (X-Request-ID, the access record's request_id): random UUIDs, drawn in batches.

uuid.uuid4() reads 16 bytes from the kernel for every id, and os.urandom lets go of the GIL
around that system call: in a gunicorn worker with several threads each request then offers its
GIL to another thread once more than it must (issue 16: three more context switches a request
under 32 connections, and the system time they cost). Here each thread draws 256 ids' worth of
kernel randomness at once. The ids are the same kind – version 4, 122 random bits from
os.urandom – and no two processes share a batch: a forked child starts with none.
"""

import os
import threading
import uuid

BATCH = 256

_local = threading.local()


def _forget_batches() -> None:
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_forget_batches)


def new_request_id() -> str:
    """A random (version 4) UUID as text."""
    ids = getattr(_local, "ids", None)
    if not ids:
        raw = os.urandom(16 * BATCH)
        ids = [str(uuid.UUID(bytes=raw[i:i + 16], version=4)) for i in range(0, len(raw), 16)]
        _local.ids = ids
    return ids.pop()
