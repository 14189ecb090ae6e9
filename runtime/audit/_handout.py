"""The hand-out machine of an export, shared by every driver: which page comes out next, and its records.

Flow: producer -> plan (`_running_plan`) -> hand-out (this module) -> sink. Producers (one sub-query each,
run inline, by worker threads or by asyncio tasks) turn pages into items; the machine takes them in the
order records are handed out, and moves a sub-query's position in the plan only as its records are
handed out, so the plan's checkpoint always describes exactly the records yielded so far, however far
producers have fetched ahead. It does no I/O: a driver asks it which source to read next (`source`),
feeds it what it read (`receive`) and takes records out (`hand_out`). It is driven by one thread or task
(the reader's); the plan is shared with the producers, and the order still to come (`head`,
`order_through`) is read by the workers too, to share the buffer, under its own lock.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .._core._paging import Page
from ._checkpoint import ExportCheckpoint
from ._progress import BulkProgress, ProgressCallback, ProgressReporter
from ._running_plan import RunningPlan

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


@dataclass(frozen=True)
class HandOut(Generic[RecordT]):
    """Records handed out now: those of `page` from `start` to `stop`."""

    page: PageItem[RecordT]
    start: int
    stop: int

    def records(self) -> list[RecordT]:
        return self.page.between(self.start, self.stop)

    @property
    def first(self) -> RecordT:
        return self.page.records[self.start]


class HandOutMachine(Generic[RecordT]):
    """The order sub-queries' records come out in, and the page being handed out.

    With `ordered`, items are read from each sub-query's own source in plan order (`source()` names it);
    otherwise from one shared source, as they arrive. `reporter` tells the export's progress callback.
    """

    def __init__(
        self, plan: ExportCheckpoint, *, ordered: bool = True, progress: ProgressCallback | None = None
    ) -> None:
        self.plan = RunningPlan(plan)
        self.ordered = ordered
        self.pages_read = 0
        self.pages_out = 0  # pages whose records have all been handed out
        # The sub-queries whose end was received (those done already never send one).
        self._order_lock = threading.Lock()
        self._ended = {index for index, part in enumerate(plan.parts) if part.done}
        self._next = 0  # the place in the plan's sequence before which every sub-query has ended
        self._current: PageItem[RecordT] | None = None
        self._position = 0
        self.reporter = ProgressReporter(progress, lambda: self.progress)
        self._page_out: int | None = None  # the sub-query of a page handed out but not yet reported
        self._finished_reported = False

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: exactly the records not yet handed out remain."""
        return self.plan.checkpoint()

    @property
    def progress(self) -> BulkProgress:
        return self.plan.progress(self.pages_out)

    def _advance(self, item: PageItem[RecordT], before: int, after: int) -> None:
        """Records that `item`'s records from `before` to `after` were handed out."""
        page = item.page
        if after >= len(page.items):
            self.plan.advance(item.part, item.transaction_id, after - before, page.next_cursor, 0, page.last)
        else:
            self.plan.advance(
                item.part, item.transaction_id, after - before, page.cursor, item.first_index + after, False
            )

    def _waiting(self) -> list[int]:
        """The sub-queries whose end is still to come, in hand-out order (a cut only inserts sub-queries
        after a running one, so the place before which all have ended stays valid)."""
        sequence = self.plan.sequence()
        with self._order_lock:
            while self._next < len(sequence) and sequence[self._next] in self._ended:
                self._next += 1
            return [index for index in sequence[self._next :] if index not in self._ended]

    @property
    def finished(self) -> bool:
        """No item will come any more: every sub-query's end has been received."""
        return not self._waiting()

    def order_through(self, index: int) -> list[int]:
        """The sub-queries still to come out, in order, up to and including `index` (ordered export)."""
        waiting = self._waiting()
        return waiting[: waiting.index(index) + 1] if index in waiting else waiting

    def head(self) -> int:
        """The sub-query whose records come out next (ordered export)."""
        return self._waiting()[0]

    def source(self) -> int | None:
        """The sub-query whose source to read next, or None for the shared one."""
        return self.head() if self.ordered else None

    def receive(self, item: Item[RecordT]) -> None:
        """Takes in the next item read; raises a producer's failure."""
        if isinstance(item, Failure):
            raise item.error
        if isinstance(item, PartEnd):
            self.plan.finish(item.part)
            with self._order_lock:
                self._ended.add(item.part)
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
        return HandOut(item, before, after)


class ExportView(Generic[RecordT]):
    """What every export shows of its state machine: the checkpoint, the totals and the progress."""

    _state: HandOutMachine[RecordT]

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: exactly the records not yet handed out remain (pass it back to resume)."""
        return self._state.checkpoint()

    @property
    def records_read(self) -> int:
        """Records handed out so far (including those before the checkpoint the export resumed from)."""
        return self._state.plan.records_read

    @property
    def done(self) -> bool:
        """Whether every record has been handed out."""
        return self._state.plan.done

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
            yield out.records()

    def __next__(self) -> RecordT:
        out = self._hand_out(1)
        if out is None:
            raise StopIteration
        return out.first


class HandsOutAsync(Generic[RecordT]):
    """`HandsOut` for an async driver."""

    async def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        raise NotImplementedError

    async def batches(self) -> AsyncIterator[list[RecordT]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        while (out := await self._hand_out(None)) is not None:
            yield out.records()

    async def __anext__(self) -> RecordT:
        out = await self._hand_out(1)
        if out is None:
            raise StopAsyncIteration
        return out.first
