"""The consumer side of an export, shared by every driver: positions, hand-out, progress and checkpoint.

Producers (one sub-query each, run inline, by worker threads or by asyncio tasks) turn pages into items;
the consumer state machine takes them in the order records are handed out, and advances a sub-query's
position only as its records are handed out, so `checkpoint()` always describes exactly the records
yielded so far, however far producers have fetched ahead. It does no I/O: a driver asks it which source
to read next (`source`), feeds it what it read (`receive`) and takes records out (`hand_out`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar

from .._core._paging import Page
from ..models.audit_query_request import AuditQueryRequest
from ._checkpoint import ExportCheckpoint, PartCheckpoint
from ._plan import query_descending
from ._progress import BulkProgress, ProgressCallback, ProgressReporter

__all__: list[str] = []

RecordT = TypeVar("RecordT")


@dataclass(frozen=True)
class PageItem(Generic[RecordT]):
    """A fetched page of one sub-query: `page.items` are the records to hand out, the first of which is
    record number `first_index` of the page as the API sent it. A page is not `settled` while a re-run
    query still has records of the earlier run to drop after it: its position would not match the
    records handed out, so it must not be checkpointed."""

    part: int
    transaction_id: str
    page: Page[Any, RecordT]
    first_index: int
    settled: bool = True

    @property
    def records(self) -> Sequence[RecordT]:
        return self.page.items

    def between(self, start: int, stop: int) -> list[RecordT]:
        """Its records from `start` to `stop` (the page's own list when that is all of them)."""
        records = self.page.items
        if start == 0 and stop == len(records) and isinstance(records, list):
            return records
        return list(records[start:stop])


@dataclass(frozen=True)
class PartEnd:
    """Every page of the sub-query has been produced."""

    part: int


@dataclass(frozen=True)
class Failure:
    """A producer failed; the consumer raises `error` when it reaches this item."""

    error: BaseException


Item = PageItem[RecordT] | PartEnd | Failure
HandOut = tuple[PageItem[RecordT], int, int]


@dataclass
class _Position:
    """A sub-query's checkpoint as the state machine moves it (a PartCheckpoint is made on demand)."""

    interval: str
    transaction_id: str | None
    cursor: str | None
    skip: int
    records_read: int
    done: bool
    page_number: int | None

    def frozen(self) -> PartCheckpoint:
        return PartCheckpoint(**asdict(self))


class ExportState(Generic[RecordT]):
    """The sub-queries' checkpoints, the order their records come out in, and the page being handed out.

    With `ordered`, items are read from each sub-query's own source in plan order (`source()` names it);
    otherwise from one shared source, as they arrive. `reporter` tells the export's progress callback.
    """

    def __init__(
        self, plan: ExportCheckpoint, *, ordered: bool = True, progress: ProgressCallback | None = None
    ) -> None:
        self.query: Mapping[str, Any] = plan.query
        self.adaptive = plan.adaptive
        self._positions = [_Position(**asdict(part)) for part in plan.parts]
        self._sequence = list(range(len(plan.parts)))  # the sub-queries in hand-out order (grows when cut)
        self.ordered = ordered
        #: The latest query id of each sub-query, which the checkpoint takes up with its first records.
        self.transaction_ids = [part.transaction_id for part in plan.parts]
        self.started = [False] * len(plan.parts)
        self.pages_read = 0
        self.pages_out = 0  # pages whose records have all been handed out
        self._lock = threading.Lock()
        self._order = deque(self.pending())
        self._remaining = len(self._order)
        self._current: PageItem[RecordT] | None = None
        self._position = 0
        self._records_at_start = plan.records_read
        self._clock_start = time.monotonic()
        self.reporter = ProgressReporter(progress, lambda: self.progress)
        self._page_out: int | None = None  # the sub-query of a page handed out but not yet reported
        self._finished_reported = False

    # The plan (the producers' side)

    @property
    def parts(self) -> list[PartCheckpoint]:
        """Every sub-query's checkpoint as it stands."""
        with self._lock:
            return [position.frozen() for position in self._positions]

    def part(self, index: int) -> PartCheckpoint:
        with self._lock:
            return self._positions[index].frozen()

    def pending(self) -> list[int]:
        """The sub-queries with records still to hand out, in hand-out order."""
        parts = self.parts
        return [index for index in self._sequence if not parts[index].done]

    @property
    def descending(self) -> bool:
        """Whether records come out latest first."""
        return query_descending(self.query)

    @property
    def count(self) -> int:
        """How many sub-queries the plan has (an adaptive plan grows)."""
        with self._lock:
            return len(self._positions)

    def interval(self, index: int) -> str:
        with self._lock:
            return self._positions[index].interval

    def cut(self, index: int, kept: str, new: Sequence[str]) -> list[int]:
        """Sub-query `index` keeps only the interval `kept`; the rest of its old interval is `new`, sub-queries
        whose records come out right after its own. Returns their indices."""
        with self._lock:
            self._positions[index].interval = kept
            added = list(range(len(self._positions), len(self._positions) + len(new)))
            self._positions.extend(_Position(interval, None, None, 0, 0, False, None) for interval in new)
            self.transaction_ids.extend(None for _ in new)
            self.started.extend(False for _ in new)
            at = self._sequence.index(index) + 1
            self._sequence[at:at] = added
            if self.ordered:
                at = self._order.index(index) + 1
                for offset, added_index in enumerate(added):
                    self._order.insert(at + offset, added_index)
            else:
                self._remaining += len(added)
        return added

    def request(self, index: int) -> AuditQueryRequest:
        return AuditQueryRequest.from_dict({**self.query, "interval": self._positions[index].interval})

    def forget_transaction(self, index: int, transaction_id: str) -> None:
        """The query ended Failed or Cancelled: the checkpoint stops naming it, so a resumption runs the
        sub-query as a new query (dropping the records already handed out, if any)."""
        with self._lock:
            position = self._positions[index]
            if position.transaction_id == transaction_id:
                position.transaction_id, position.cursor, position.skip = None, None, 0

    def set_transaction(self, index: int, transaction_id: str) -> None:
        with self._lock:
            self.transaction_ids[index] = transaction_id
            position = self._positions[index]
            # A query with records to skip (a re-run) is saved with its first records handed out.
            if position.transaction_id is None and not position.records_read:
                position.transaction_id = transaction_id

    # Positions

    def _advance(self, item: PageItem[RecordT], before: int, after: int) -> None:
        """Records that `item`'s records from `before` to `after` were handed out."""
        with self._lock:
            position = self._positions[item.part]
            position.transaction_id = item.transaction_id
            position.records_read += after - before
            if after >= len(item.page.items):
                position.cursor, position.skip, position.done = item.page.next_cursor, 0, item.page.last
            else:
                position.cursor, position.skip = item.page.cursor, item.first_index + after

    def _finish(self, index: int) -> None:
        with self._lock:
            position = self._positions[index]
            position.cursor, position.skip, position.done = None, 0, True

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: exactly the records not yet handed out remain."""
        with self._lock:
            parts = tuple(self._positions[index].frozen() for index in self._sequence)
        return ExportCheckpoint(self.query, parts, adaptive=self.adaptive)

    @property
    def records_read(self) -> int:
        with self._lock:
            return sum(position.records_read for position in self._positions)

    @property
    def done(self) -> bool:
        with self._lock:
            return all(position.done for position in self._positions)

    @property
    def progress(self) -> BulkProgress:
        with self._lock:  # the sub-queries and their started flags as of one moment
            parts, started = [position.frozen() for position in self._positions], list(self.started)
        done = sum(part.done for part in parts)
        running = sum(begun and not part.done for begun, part in zip(started, parts, strict=True))
        records = sum(part.records_read for part in parts)
        elapsed = time.monotonic() - self._clock_start
        rate = (records - self._records_at_start) / elapsed if elapsed > 0 else 0.0
        return BulkProgress(len(parts) - done - running, running, done, records, elapsed, rate, self.pages_out)

    # The state machine (the consumer's side)

    @property
    def finished(self) -> bool:
        """No item will come any more: every sub-query's end has been received."""
        return not self._order if self.ordered else self._remaining == 0

    def ranks(self) -> dict[int, int]:
        """Each sub-query's place in hand-out order."""
        with self._lock:
            return {index: rank for rank, index in enumerate(self._sequence)}

    def order_through(self, index: int) -> list[int]:
        """The sub-queries still to come out, in order, up to and including `index` (ordered export)."""
        with self._lock:
            ahead = []
            for queued in self._order:
                ahead.append(queued)
                if queued == index:
                    break
            return ahead

    def head(self) -> int:
        """The sub-query whose records come out next (ordered export)."""
        return self._order[0]

    def source(self) -> int | None:
        """The sub-query whose source to read next, or None for the shared one."""
        return self._order[0] if self.ordered else None

    def receive(self, item: Item[RecordT]) -> None:
        """Takes in the next item read; raises a producer's failure."""
        if isinstance(item, Failure):
            raise item.error
        if isinstance(item, PartEnd):
            self._finish(item.part)
            with self._lock:  # producers add sub-queries to the order as they cut theirs
                if self.ordered:
                    self._order.popleft()
                else:
                    self._remaining -= 1
            return
        self.pages_read += 1
        if item.records:
            self._current, self._position = item, 0
            return
        if item.settled:  # else stopped now, a resumption must run the re-run again from its start
            self._advance(item, 0, 0)
        self._page_done(item.part)

    def _page_done(self, part: int) -> None:
        self.pages_out += 1
        self._page_out = part

    def _report(self) -> None:
        """Tells the callback of the page handed out before (once the caller has it), and of the end."""
        if self._page_out is not None:
            part, self._page_out = self._page_out, None
            self.reporter.emit("page", part)
        if self._current is None and self.finished and not self._finished_reported:
            self._finished_reported = True
            self.reporter.emit("finished")

    def hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        """The page being handed out and the span of its records handed out now: up to `limit` (None:
        all the rest). None when a new item is needed first (or, once `finished`, nothing is left)."""
        self._report()
        item = self._current
        if item is None:
            return None
        before, total = self._position, len(item.page.items)
        after = total if limit is None else min(before + limit, total)
        self._position = after
        self._advance(item, before, after)
        if after >= total:
            self._current = None
            self._page_done(item.part)
        return item, before, after


class ExportView(Generic[RecordT]):
    """What every export shows of its state machine: the checkpoint, the totals and the progress."""

    _state: ExportState[RecordT]

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: exactly the records not yet handed out remain (pass it back to resume)."""
        return self._state.checkpoint()

    @property
    def records_read(self) -> int:
        """Records handed out so far (including those before the checkpoint the export resumed from)."""
        return self._state.records_read

    @property
    def done(self) -> bool:
        """Whether every record has been handed out."""
        return self._state.done

    @property
    def progress(self) -> BulkProgress:
        """Sub-queries waiting, running and done; records and pages handed out, and the record rate."""
        return self._state.progress


class HandsOut(Generic[RecordT]):
    """What a sync driver offers once it can hand out (`_hand_out`): records one by one, or a page at a time."""

    def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        raise NotImplementedError

    def batches(self) -> Iterator[list[RecordT]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        while (out := self._hand_out(None)) is not None:
            yield out[0].between(out[1], out[2])

    def __next__(self) -> RecordT:
        out = self._hand_out(1)
        if out is None:
            raise StopIteration
        return out[0].records[out[1]]


class HandsOutAsync(Generic[RecordT]):
    """`HandsOut` for an async driver."""

    async def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        raise NotImplementedError

    async def batches(self) -> AsyncIterator[list[RecordT]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        while (out := await self._hand_out(None)) is not None:
            yield out[0].between(out[1], out[2])

    async def __anext__(self) -> RecordT:
        out = await self._hand_out(1)
        if out is None:
            raise StopAsyncIteration
        return out[0].records[out[1]]
