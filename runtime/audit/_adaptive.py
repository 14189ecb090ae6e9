"""The adaptive split (`span="auto"`): sub-queries cut where the records are, as their pages arrive.

Flow: producer (a sub-query's pages) -> `AutoSplit` (this module: where to cut) -> the plan (which
takes the cut) -> the engine (which runs the new sub-queries).

An adaptive export starts as one query over the whole interval, sorted by timestamp; its pages are the
probe. Every page any sub-query reads is evidence: its records, and the stretch of time it showed in
full (from where its sub-query started reading to its last record; a sub-query that ends shows its
whole interval). The export's density is all the records seen over all the time shown, so the empty
stretches count: a sub-query that comes back empty, or whose first records lie far past its start,
lowers the estimate everywhere, and the cuts stop where new sub-queries would find little.

After a page (not its sub-query's last) the rest of the part, from just past the page's last record
to its end, is estimated at that density. When it holds enough pages for more than one query to pay
for itself (`min_pages` each: a query's creation, its polls and a page of rounding make at most
`BUDGET` of the pages it takes over), and workers are free, the rest is cut into equal spans: the part
keeps reading its own query through the first, and each of the others becomes a new sub-query, run
concurrently, whose pages may cut it again. An interval whose first page is its last (a sparse one)
is never split, so it costs exactly one query.

Three rules keep a wrong estimate from being spent on empty queries:

- a cut extrapolates at most `REACH` times as far as the time the part has shown since it began (or
  was last cut): a burst of records in the first seconds of a long interval is not taken for the rate
  of the whole interval;
- a part that was cut is weighed again only after it has read, since, the pages a new query must take
  over (its piece must first show it is as dense as estimated);
- estimates of different parts are not added up: every new sub-query made so far (at a query's
  requests and a page each, whether it found records or came back empty) must fit in `ACCOUNT` of the
  pages the records seen so far fill plus the pages estimated for the one part being cut.

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
from typing import Protocol

from .._core._errors import DecodingError, PagingError
from ._plan import split_interval
from ._query_args import format_instant, interval_bounds

__all__: list[str] = []

#: The share of the pages it takes over that a new sub-query may cost in requests.
BUDGET = 0.25
#: The share of the pages seen (plus one part's estimate) that all new sub-queries together may cost.
ACCOUNT = 0.15
#: How many times as far as the time a part has shown since its last cut a cut may extrapolate.
REACH = 128
#: A query's requests (creation, polls) assumed until one of the export's queries is measured.
DEFAULT_QUERY_COST = 3.0
_MILLISECOND = timedelta(milliseconds=1)


def _floor_ms(moment: datetime) -> datetime:
    return moment - timedelta(microseconds=moment.microsecond % 1000)


@dataclass(frozen=True)
class Cut:
    """A part cut: the interval it keeps, and the intervals of its new sub-queries in hand-out order."""

    kept: str
    new: list[str]


class CutPlan(Protocol):
    """What the split needs of the plan: the parts' intervals, and taking a cut."""

    @property
    def count(self) -> int: ...

    def cut(self, index: int, kept: str, new: Sequence[str]) -> list[int]: ...


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
            model="AuditLogMessage",
            field="eventDate",
        )
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


@dataclass
class _Shown:
    """What one part's pages have shown: from `origin` (where it started reading) to `reached`, `records`."""

    origin: datetime
    reached: datetime
    records: int = 0
    since_cut: int | None = None  # records read since it was last cut (None: never cut)
    cut_at: datetime | None = None  # where it stood when it was last cut (None: never cut)

    @property
    def seconds_since_cut(self) -> float:
        """The time it has shown since it was last cut (or since it began)."""
        return abs((self.reached - (self.cut_at or self.origin)).total_seconds())


class Evidence:
    """Records seen over the time shown in full, across every part of one export (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: dict[int, _Shown] = {}

    def page(self, part: int, origin: datetime, dates: Sequence[datetime], ended_at: datetime | None) -> None:
        """Part `part`, reading from `origin` (used on its first page), showed records at `dates` (in sort
        order); with `ended_at` it has no more records up to that instant (its interval's far end)."""
        with self._lock:
            shown = self._parts.setdefault(part, _Shown(origin, origin))
            shown.records += len(dates)
            if shown.since_cut is not None:
                shown.since_cut += len(dates)
            if dates:
                shown.reached = dates[-1]
            if ended_at is not None:
                shown.reached = ended_at

    def cut(self, part: int) -> None:
        with self._lock:
            shown = self._parts[part]
            shown.since_cut, shown.cut_at = 0, shown.reached

    def seconds_since_cut(self, part: int) -> float:
        """The time part `part` has shown since it was last cut (or since it began)."""
        with self._lock:
            shown = self._parts.get(part)
            return 0.0 if shown is None else shown.seconds_since_cut

    def read_since_cut(self, part: int) -> int | None:
        """Records part `part` read since it was last cut (None when it never was)."""
        with self._lock:
            shown = self._parts.get(part)
            return None if shown is None else shown.since_cut

    @property
    def records(self) -> int:
        """Records seen, in every part."""
        with self._lock:
            return sum(shown.records for shown in self._parts.values())

    def seconds(self) -> float:
        """The time shown, in every part."""
        with self._lock:
            return sum(abs((shown.reached - shown.origin).total_seconds()) for shown in self._parts.values())

    def density(self) -> float | None:
        """Records per second over the time shown (None before any time was)."""
        with self._lock:
            records = sum(shown.records for shown in self._parts.values())
            seconds = sum(abs((shown.reached - shown.origin).total_seconds()) for shown in self._parts.values())
        if seconds <= 0:
            return None
        return records / seconds


class AutoSplit:
    """Decides, page by page, whether to cut the rest of a part into new sub-queries, and makes the cut
    (shared by the workers of one export; thread-safe).

    `busy()` tells how many sub-queries are running or waiting for a worker; `max_parts` caps the plan;
    `on_cut` is given the indices of the sub-queries a cut added to `plan`, to run them.
    """

    def __init__(
        self,
        plan: CutPlan,
        concurrency: int,
        max_parts: int,
        busy: Callable[[], int],
        on_cut: Callable[[list[int]], None],
    ) -> None:
        self.concurrency = concurrency
        self.max_parts = max_parts
        self.evidence = Evidence()
        self._plan = plan
        self._busy = busy
        self._on_cut = on_cut
        self._lock = threading.Lock()
        self._query_requests = 0
        self._queries = 0
        self._decision = threading.Lock()  # one cut decided at a time: each sees the spending before it
        self._spent = 0.0  # the requests the new sub-queries made so far are counted to cost

    def measured(self, requests: int) -> None:
        """One of the export's queries took `requests` (its creation and polls) to be ready."""
        with self._lock:
            self._query_requests += requests
            self._queries += 1

    @property
    def query_cost(self) -> float:
        with self._lock:
            return self._query_requests / self._queries if self._queries else DEFAULT_QUERY_COST

    @property
    def min_pages(self) -> float:
        """The pages a new sub-query must take over to pay for itself (its requests, a page of rounding)."""
        return (self.query_cost + 1) / BUDGET

    def after_page(
        self,
        index: int,
        interval: str,
        dates: Sequence[datetime],
        *,
        fresh: bool,
        ends: bool,
        descending: bool,
        page_size: int,
    ) -> None:
        """Part `index` (reading `interval`) read a page whose records inside it have event `dates`; `fresh`
        when it read nothing before this run, `ends` when the page is its last. Records the evidence, and
        cuts the part when the rest of it is worth more sub-queries."""
        start, end = interval_bounds(interval)
        near, far = (end, start) if descending else (start, end)
        origin = near if fresh or not dates else dates[0]
        self.evidence.page(index, origin, dates, far if ends else None)
        if ends:
            return
        since = self.evidence.read_since_cut(index)
        if since is not None and since < self.min_pages * page_size:
            return  # cut before: it must first show, over a query's worth of pages, that its piece is dense
        cut = self.consider(interval, dates, page_size, descending, self.evidence.seconds_since_cut(index))
        if cut is not None:
            self.evidence.cut(index)
            self._on_cut(self._plan.cut(index, cut.kept, cut.new))

    def consider(
        self, interval: str, dates: Sequence[datetime], page_size: int, descending: bool, shown: float | None = None
    ) -> Cut | None:
        """The cut of the part reading `interval` after a page (not its last) whose records' event dates
        are `dates` (inside the part, in sort order), or None to read on. `shown` is the time (seconds) the
        part has shown since it was last cut or began (None: all the export has shown). A cut returned is
        counted as spent."""
        if not dates:
            return None
        start, end = interval_bounds(interval)
        last = _floor_ms(dates[-1])
        # The rest: past the page's last millisecond (records in it stay with the part).
        rest = (start, last) if descending else (last + _MILLISECOND, end)
        length = rest[1] - rest[0]
        if length < 2 * _MILLISECOND:
            return None
        with self._decision:
            density, seen = self.evidence.density(), self.evidence.records
            if density is None:
                return None
            if (self.evidence.seconds() if shown is None else shown) * REACH < length.total_seconds():
                return None  # what the part showed since its last cut is too short to extrapolate from
            pages = density * length.total_seconds() / page_size
            cost = self.query_cost + 1
            affordable = int((ACCOUNT * (seen / page_size + pages) - self._spent) / cost)
            room = min(self.concurrency - self._busy(), self.max_parts - self._plan.count, affordable)
            pieces = min(room + 1, int(pages / self.min_pages))
            if pieces < 2:
                return None
            span = max(_MILLISECOND, -(-length // pieces // _MILLISECOND) * _MILLISECOND)
            parts = split_interval(rest, span, pieces)
            if len(parts) < 2:
                return None
            self._spent += (len(parts) - 1) * cost
        if descending:
            parts.reverse()
            kept_start = interval_bounds(parts[0])[0]
            return Cut(f"{format_instant(kept_start)}/{format_instant(end)}", parts[1:])
        kept_end = interval_bounds(parts[0])[1]
        return Cut(f"{format_instant(start)}/{format_instant(kept_end)}", parts[1:])
