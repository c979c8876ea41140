"""Pages of long ticket lists whose count stops at a cap: the queue says "10 000+" instead of
counting every one of 100 000 closed tickets on each page view (COUNT over a large filtered
set is the slowest statement of the page). Below the cap the count is exact."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose `count` is exact up to `cap` and `cap + 1` beyond (`capped` is then
    true); the pages past the cap are not offered."""

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        # SELECT count(*) FROM (SELECT … LIMIT cap + 1): stops reading at the cap.
        return self.object_list.order_by().values("pk")[:self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
