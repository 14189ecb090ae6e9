"""The adaptive split (`span="auto"`): sub-queries cut from the data as its pages arrive.

An adaptive export starts as one query over the whole interval, sorted by timestamp; its pages are the
probe. A page that is not the last tells how dense the rest of its part is: its records span a stretch of
time, so the records still to come are about as many per second over what remains of the interval. When
they fill enough pages to pay for more queries, and workers are free to run them, the part is cut at the
page's last instant: it keeps the records before (it ends with this page), and the rest becomes new
sub-queries of equal length, run concurrently, whose own pages may cut them again. An interval whose
first page is its last (a sparse one) is never split, so it costs exactly one query.

What new sub-queries cost, a query's creation and its status polls each (measured on the queries of this
export) and half a page of rounding, may be at most `BUDGET` of the pages they take over.

Every part of an adaptive plan keeps only the records of its own interval: a part cut short still reads
the query made for its longer interval, so records past its end (in the sort order) are dropped, and the
part ends with the page where they start. That relies on the timestamp sort the plan asks for; a page
whose records break it stops the export (PagingError) rather than losing records.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .._core._errors import DecodingError, PagingError
from ._plan import split_interval
from ._query_args import format_instant, interval_bounds

__all__: list[str] = []

#: The share of the pages they take over that new sub-queries may cost in requests.
BUDGET = 0.3
#: A query's requests (creation, polls) assumed until one of the export's queries is measured.
DEFAULT_QUERY_COST = 3.0
_MILLISECOND = timedelta(milliseconds=1)


def _floor_ms(moment: datetime) -> datetime:
    return moment - timedelta(microseconds=moment.microsecond % 1000)


@dataclass(frozen=True)
class Cut:
    """A part cut in two: the interval it keeps, and the intervals of its new sub-queries in hand-out order."""

    kept: str
    new: list[str]


def records_inside(
    dates: Sequence[datetime | None], interval: str, descending: bool, after: datetime | None = None
) -> int:
    """How many of a page's records (their event dates) lie inside `interval`: a prefix, since only the end
    of a part's interval (in the sort order) can be cut short. `after` is the date of the record before
    the page, if known. PagingError when the dates are out of sort order (a part would stop before
    records of its own); DecodingError for a record without a date."""
    if any(moment is None for moment in dates):
        raise DecodingError(
            "required field is missing (an adaptive split places each record by it)",
            model="AuditLogMessage", field="eventDate",
        )  # fmt: skip
    known = [moment for moment in dates if moment is not None]
    ordered = [after, *known] if after is not None else known
    pairs = itertools.pairwise(ordered)
    if not all((b <= a) if descending else (a <= b) for a, b in pairs):
        raise PagingError(
            f"the records of a page are not in {'descending' if descending else 'ascending'} eventDate order, "
            "which an adaptive split relies on; export with a fixed span instead"
        )
    start, end = interval_bounds(interval)
    inside = len(known)
    while inside and (known[inside - 1] < start if descending else known[inside - 1] >= end):
        inside -= 1
    return inside


class AutoSplit:
    """Decides, page by page, whether to cut the rest of a part into new sub-queries (shared by the
    workers of one export; thread-safe).

    `busy()` tells how many sub-queries are running or waiting for a worker; `max_parts` caps the plan;
    `on_cut` is given the indices of the sub-queries a cut added, to run them.
    """

    def __init__(
        self, concurrency: int, max_parts: int, busy: Callable[[], int], on_cut: Callable[[list[int]], None]
    ) -> None:
        self.concurrency = concurrency
        self.max_parts = max_parts
        self._busy = busy
        self.added = on_cut
        self._lock = threading.Lock()
        self._query_requests = 0
        self._queries = 0

    def measured(self, requests: int) -> None:
        """One of the export's queries took `requests` (its creation and polls) to be ready."""
        with self._lock:
            self._query_requests += requests
            self._queries += 1

    @property
    def query_cost(self) -> float:
        with self._lock:
            return self._query_requests / self._queries if self._queries else DEFAULT_QUERY_COST

    def consider(
        self, interval: str, dates: Sequence[datetime], page_size: int, parts: int, descending: bool
    ) -> Cut | None:
        """The cut of the part reading `interval` after a page (not its last) whose records' event dates
        are `dates` (inside the part, in sort order), or None to read on."""
        if len(dates) < 2:
            return None
        start, end = interval_bounds(interval)
        first, last = dates[0], dates[-1]
        remaining = (last - start) if descending else (end - last)
        covered = abs(last - first) or _MILLISECOND
        pages_left = len(dates) * (remaining / covered) / page_size
        room = min(self.concurrency - self._busy() + 1, self.max_parts - parts)
        count = min(room, int(BUDGET * pages_left / (self.query_cost + 0.5)))
        if count < 2:
            return None
        if descending:
            if _floor_ms(last) >= end - _MILLISECOND:  # (adding first could pass the last instant there is)
                return None
            boundary = _floor_ms(last) + _MILLISECOND
            kept, rest = (boundary, end), (start, boundary)
        else:
            boundary = _floor_ms(last)
            if boundary <= start:
                return None
            kept, rest = (start, boundary), (boundary, end)
        length = rest[1] - rest[0]
        span = max(_MILLISECOND, -(-length // count // _MILLISECOND) * _MILLISECOND)
        new = split_interval(rest, span, count)
        if descending:
            new.reverse()
        return Cut(f"{format_instant(kept[0])}/{format_instant(kept[1])}", new)
