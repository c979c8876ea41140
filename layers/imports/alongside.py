"""A read-only question answered on a connection of its own while the import writes.

The writer's `INSERT` or `UPDATE` of a million rows keeps one core busy for half a minute; a
question that needs only committed data can be answered on the other core meanwhile: the checked
file, and the layer as it was before the import – what another connection sees until the import
commits, which is after the answer; the writer's table lock keeps anyone else from changing it.
The answer is the work's return value; a failure or a cancel leaves no answer, and the caller
asks its question the usual way instead. The work runs in one transaction that is always rolled back: its
`SET LOCAL`s and temporary tables go with it, so the connection goes back to the pool as it came.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connections

log = logging.getLogger(__name__)
T = TypeVar("T")


class Alongside(Generic[T]):
    """`work(cursor)` run in a thread on a new connection to the default database."""

    def __init__(self, work: Callable[[object], T]):
        self._work = work
        self._value: T | None = None
        self.seconds: float | None = None  # how long the work took (answered)
        self._answered = False
        self._cancelled = threading.Event()
        self._raw = None  # the psycopg connection, for cancel()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="import-alongside", daemon=True)

    def start(self) -> Alongside[T]:
        self._thread.start()
        return self

    def _run(self) -> None:
        connection = connections.create_connection("default")
        try:
            connection.ensure_connection()
            with self._lock:
                if self._cancelled.is_set():
                    return
                self._raw = connection.connection
            started = time.monotonic()
            connection.set_autocommit(False)
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                    # A lock it would wait for (a migration queued behind the writer's table lock)
                    # fails it instead: the writer waits for this thread, the server would not see
                    # that wait as a deadlock.
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                    value = self._work(cursor)
                self._value, self._answered = value, True
                self.seconds = time.monotonic() - started
            finally:
                connection.rollback()
                connection.set_autocommit(True)
        except Exception:  # the caller asks the usual way; a cancel lands here too
            if not self._cancelled.is_set():
                log.exception("the import's question on a second connection failed")
        finally:
            with self._lock:
                self._raw = None
            connection.close()

    def answer(self) -> tuple[bool, T | None]:
        """Wait for the work; (True, value) when it answered, (False, None) when it did not."""
        self._thread.join()
        return self._answered, self._value

    def cancel(self) -> None:
        """Stop the work (its running statement is cancelled by the server) and wait for the thread."""
        self._cancelled.set()
        while self._thread.is_alive():  # a cancel between two statements of the work is lost: again
            with self._lock:
                if self._raw is not None:
                    try:
                        self._raw.cancel()
                    except Exception:  # already finished or closed
                        log.debug("cancel of the import's second connection failed", exc_info=True)
            self._thread.join(0.2)
