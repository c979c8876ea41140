"""Who is acting in the current request or command, for the audit trail."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The request (or command) on whose behalf services write."""

    request_id: str = ""
    source_ip: str | None = None
    label: str = ""  # e.g. a management command name, when there is no user


current: ContextVar[Actor] = ContextVar("cbs_actor", default=Actor())


class acting_as:  # noqa: N801  (used as a context manager, like contextlib's helpers)
    """Label writes made outside a request, e.g. `with acting_as("command:load_samples"):`."""

    def __init__(self, label: str):
        self.label = label

    def __enter__(self) -> Actor:
        actor = Actor(label=self.label)
        self._token = current.set(actor)
        return actor

    def __exit__(self, *exc) -> None:
        current.reset(self._token)
