"""The allowed status moves of a ticket (yeni → atandı → işlemde → beklemede → çözüldü →
kapatıldı, and reopening)."""

from .models import Status as S

ALLOWED: dict[str, set[str]] = {
    S.NEW: {S.ASSIGNED, S.IN_PROGRESS, S.CLOSED},
    S.ASSIGNED: {S.IN_PROGRESS, S.WAITING, S.RESOLVED},
    S.IN_PROGRESS: {S.WAITING, S.RESOLVED},
    S.WAITING: {S.IN_PROGRESS, S.RESOLVED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},  # reopen
    S.CLOSED: {S.IN_PROGRESS},  # reopen
}


def allowed_moves(status: str) -> list[str]:
    return [s for s in S.values if s in ALLOWED.get(status, set())]
