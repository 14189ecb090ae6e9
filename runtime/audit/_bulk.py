"""Large exports: a long interval split into sub-queries run several at a time, inside the rate limit.

    with export_audits(client, interval=(start, end), concurrency=8) as export:
        for record in export:
            ...

The sub-intervals are cut from the data as its pages arrive (`span="auto"`, see `_adaptive`), or are of
one fixed `span` each. Each sub-interval is its own audit query. With `ordered=True` (the default) records come out in
interval order (reversed for a descending sort), i.e. in eventDate order, while later sub-queries are
prefetched into a bounded buffer, so memory stays flat: at most `buffer_pages` x `concurrency` pages in
all, given first to the sub-queries whose records come out next (so the next one can be read whole
while the current one is handed out). With
`ordered=False` pages come out as they arrive. Every request goes through the client, so its rate
limiter (shared by all threads and tasks) and its 429 handling apply. `export.checkpoint()` records
each sub-query's query id and position; `export_audits(..., checkpoint=saved)` resumes exactly.

Flow: producer -> plan -> hand-out -> sink. The sub-queries' runs (`_producer`) are driven by worker
threads or asyncio tasks that put their pages on bounded queues (or, for an ordered export with a spill
folder, on disk: `_spill`), changing the plan (`_running_plan`) as they go; the caller's iteration drives
the export's hand-out machine (`_handout`), reading from the queue it names, and hands the records to
its sink (the caller's loop, or the command line's file).

The workers belong to the export's engine (`_Threads`, `_Tasks`), which never refers to the export
object the caller holds. So an export that is dropped without being closed (a `for` loop left with
`break`) is collected as usual, and collecting it stops the workers: a thread stops before its next
request, at its next poll or while waiting for buffer room; a task is cancelled. Closing (or leaving
`with`) does the same and waits for them. An export read from a second thread or task at once refuses
it (see `_reader`).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Generic, Self, TypeVar, cast

from .._core._errors import ConfigurationError
from ..client import Client
from ..models.audit_log_message import AuditLogMessage
from . import _arguments
from ._adaptive import AutoSplit
from ._arguments import ExportArguments, one_call
from ._handout import ExportView, Failure, HandOut, HandOutMachine, HandsOut, HandsOutAsync, Item, PageItem
from ._producer import AsyncSubQueryRun, JsonResults, ModelResults, ResultsReader, SubQueryRun
from ._query_args import ReadSettings
from ._reader import OneReader
from ._spill import Spill, SpillRef

__all__ = ["AsyncBulkExport", "BulkExport", "export_audits", "export_audits_async"]

RecordT = TypeVar("RecordT")
_Item = Item[AuditLogMessage]
_PUT_TIMEOUT = 0.1
_JOIN_TIMEOUT = 30.0


@dataclass(frozen=True)
class _SpilledPage(Generic[RecordT]):
    """A page whose records wait in the spill files (`_spill`): the page without them, and where they are."""

    item: PageItem[RecordT]
    ref: SpillRef


def _without_response(item: Item[RecordT]) -> Item[RecordT]:
    """A page as a split export queues it: its records, without the response model they came in (which
    nothing after the producer reads), so a page waiting in a buffer holds only what it hands out."""
    if isinstance(item, PageItem) and item.page.response is not None:
        return replace(item, page=replace(item.page, response=None))
    return item


class _Stopped(Exception):
    """The export was closed (or dropped) while a worker ran: it stops where it is."""


def _closed() -> ConfigurationError:
    return ConfigurationError(
        "this split export was closed, or stopped by an error: nothing more comes out of it; resume from its "
        "checkpoint() with a new export"
    )


class _Engine(Generic[RecordT]):
    """The engine of a split export, what the sync and async forms share: the state machine, the work
    list, and how pages are read. It never refers to the export object the caller holds."""

    def __init__(self, arguments: ExportArguments, reader: ResultsReader[RecordT]) -> None:
        self.client = arguments.client
        self.settings = arguments.settings
        self.concurrency = arguments.concurrency
        self.ordered = arguments.ordered
        self.buffer_pages = arguments.buffer_pages
        self.state = HandOutMachine[RecordT](arguments.plan, ordered=arguments.ordered, progress=arguments.progress)
        self._events = self.state.reporter
        self._reader = reader
        self._work: deque[int] = deque(self.state.plan.pending())
        self._failed = False
        self.closed = False  # closed, dropped or failed: no more records come out
        self._held: dict[int, int] = {}  # pages on each sub-query's queue in memory (ordered)
        self._held_total = 0  # their sum (read for every page put)
        self.spill: Spill | None = None  # where an ordered export's pages beyond its budget wait (threads)
        self._running = 0  # sub-queries being run by a worker
        self._alive = 0  # workers started and not yet ended
        self._splitter = (
            AutoSplit(
                self.state.plan,
                self.concurrency,
                arguments.max_sub_queries,
                busy=lambda: len(self._work) + self._running,
                on_cut=self._cut,
            )
            if arguments.plan.adaptive
            else None
        )

    def _workers(self) -> int:
        return min(self.concurrency, len(self._work))

    def check_open(self) -> None:
        """Raises ConfigurationError when the export was closed before its end (a finished one simply ends)."""
        if self.closed and not self.state.finished:
            raise _closed()

    def _claim(self) -> int | None:
        """The next sub-query to run, unless the export failed or ran out of work."""
        if self._failed or not self._work:
            return None
        index = self._work.popleft()
        self.state.plan.start(index)
        self._running += 1
        return index

    @property
    def _budget(self) -> int:
        """The most pages fetched ahead of the consumer, in all."""
        return self.buffer_pages * self.concurrency

    def _fits(self, index: int) -> bool:
        """Whether sub-query `index` may buffer one more page in memory (ordered). The pages held in all
        stay within the budget: the one being handed out may always hold one (the consumer drains it, and
        nothing else can hold pages up), and more while the budget has room; the others share what is
        left but one, so the head never waits on them. With a spill folder only the one being handed out
        keeps pages in memory, `buffer_pages` of them (the rest wait on disk)."""
        held = self._held.get(index, 0)
        if self.spill is not None:
            return index == self.state.head() and held < self.buffer_pages
        total = self._held_total
        if index == self.state.head():
            return held == 0 or total < self._budget
        return total < self._budget - 1

    def _hold(self, index: int, pages: int) -> None:
        """Counts `pages` more (or fewer) held in memory for sub-query `index` (called with the room's lock)."""
        self._held[index] = self._held.get(index, 0) + pages
        self._held_total += pages

    def _queue_work(self, added: list[int]) -> int:
        """Puts the sub-queries a cut added in the work list, which stays in hand-out order (so the first
        sub-query without a worker is always the next to get one, and a worker held up by the budget
        never waits on one that has none); returns how many more workers to start."""
        rank = self.state.plan.ranks()
        self._work = deque(sorted([*self._work, *added], key=rank.__getitem__))
        return max(0, min(len(self._work), self.concurrency - self._alive))

    def _cut(self, added: list[int]) -> None:
        raise NotImplementedError


class _Threads(_Engine[RecordT]):
    """A split export's engine with worker threads."""

    _threads: list[threading.Thread] | None = None

    def __init__(
        self, arguments: ExportArguments, reader: ResultsReader[RecordT], spill_to: Path | None = None
    ) -> None:
        super().__init__(arguments, reader)
        self._stop = threading.Event()
        self._work_lock = threading.Lock()
        # Records are JSON text (`bytes`) when a spill folder is given (see JsonBulkExport).
        self.spill = Spill(spill_to) if spill_to is not None and self.ordered else None

    def _begin(self) -> None:
        self._queues: dict[int, queue.Queue[Item[RecordT] | _SpilledPage[RecordT]]] = {}
        self._room = threading.Condition()
        self._shared = queue.Queue[Item[RecordT]](self._budget)
        self._threads = []
        with self._work_lock:
            self._start_workers(self._workers())

    def _start_workers(self, count: int) -> None:
        """Starts `count` more workers (called with the work lock held)."""
        assert self._threads is not None
        for _ in range(count):
            thread = threading.Thread(target=self._worker, name=f"audit-export-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            self._alive += 1
            thread.start()

    def _cut(self, added: list[int]) -> None:
        with self._work_lock:
            if not self._stop.is_set():
                self._start_workers(self._queue_work(added))

    def _queue(self, index: int) -> queue.Queue[Item[RecordT] | _SpilledPage[RecordT]]:
        """Sub-query `index`'s own queue (made by whichever of its worker and the consumer needs it first);
        the pages it holds in memory are bounded by the budget (see `_fits`), the spilled ones are not."""
        return self._queues.setdefault(index, queue.Queue[Item[RecordT] | _SpilledPage[RecordT]]())

    def _put(self, index: int, item: Item[RecordT]) -> None:
        if self._stop.is_set():
            raise _Stopped
        item = _without_response(item)
        if self.ordered:
            spill = False
            with self._room:
                while isinstance(item, PageItem) and not self._fits(index):
                    if self._stop.is_set():
                        raise _Stopped
                    if self.spill is not None and item.records:
                        spill = True  # no waiting: its records go to disk until their turn
                        break
                    self._room.wait(_PUT_TIMEOUT)
                else:
                    self._hold(index, isinstance(item, PageItem))
            self._queue(index).put(self._spilled(item) if spill else item)
            return
        target = self._shared
        while not self._stop.is_set():
            try:
                target.put(item, timeout=_PUT_TIMEOUT)
                return
            except queue.Full:
                pass
        raise _Stopped

    def _spilled(self, item: Item[RecordT]) -> _SpilledPage[RecordT]:
        assert self.spill is not None and isinstance(item, PageItem)
        ref = self.spill.write(cast(Sequence[bytes], item.records))
        return _SpilledPage(replace(item, page=replace(item.page, response=None, items=())), ref)

    def _restored(self, item: Item[RecordT] | _SpilledPage[RecordT]) -> Item[RecordT]:
        """The item as it was put, its records read back if they were spilled."""
        if not isinstance(item, _SpilledPage):
            return item
        assert self.spill is not None
        records = cast(list[RecordT], self.spill.read(item.ref))
        return replace(item.item, page=replace(item.item.page, items=records))

    def _pause(self, seconds: float) -> None:
        """A worker's wait between status polls, cut short when the export stops."""
        if self._stop.wait(seconds):
            raise _Stopped

    def _worker(self) -> None:
        try:
            while (index := self._next()) is not None:
                try:
                    self._run(index)
                finally:
                    with self._work_lock:
                        self._running -= 1
        except _Stopped:
            return
        finally:
            with self._work_lock:
                self._alive -= 1

    def _next(self) -> int | None:
        with self._work_lock:
            return None if self._stop.is_set() else self._claim()

    def _run(self, index: int) -> None:
        run = SubQueryRun(
            self.client, self.state.plan, index, self.settings, self._reader, self._events, self._splitter
        )
        run.sleep = self._pause
        try:
            for item in run.items():
                self._put(index, item)
                if self._stop.is_set():  # before the next request
                    raise _Stopped
        except _Stopped:
            raise
        except BaseException as error:  # handed to the consumer, which raises it
            with self._work_lock:
                self._failed = True
            self._put(index, Failure(error))

    def hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        if self._threads is None:
            self._begin()
        state = self.state
        try:
            while (out := state.hand_out(limit)) is None and not state.finished:
                source = state.source()
                item = self._take(self._shared if source is None else self._queue(source))
                try:
                    state.receive(self._restored(item))
                finally:
                    if source is not None:
                        self._taken(source, item)
        except Exception:
            self.stop(wait=True)
            raise
        except BaseException:  # Ctrl-C: the workers stop by themselves, nobody waits for them
            self.stop(wait=False)
            raise
        if out is None:
            self.stop(wait=True)
        return out

    def page_ready(self) -> bool:
        """Whether the next page to hand out has been fetched already, so handing it out will not wait
        (read by the consumer's thread, the only one taking items)."""
        state = self.state
        if self._threads is None or state.finished:
            return False
        source = state.source()
        items = self._shared if source is None else self._queue(source)
        with items.mutex:
            return bool(items.queue) and isinstance(items.queue[0], PageItem | _SpilledPage)

    def _take(
        self, source: queue.Queue[Item[RecordT]] | queue.Queue[Item[RecordT] | _SpilledPage[RecordT]]
    ) -> Item[RecordT] | _SpilledPage[RecordT]:
        """The next item of `source`; ConfigurationError once the export is closed (from another thread)."""
        while True:
            try:
                return source.get(timeout=_PUT_TIMEOUT)
            except queue.Empty:
                if self.closed:
                    raise _closed() from None

    def _taken(self, source: int, item: Item[RecordT] | _SpilledPage[RecordT]) -> None:
        """A page left sub-query `source`'s queue (or the head moved on): room for the workers waiting."""
        with self._room:
            if isinstance(item, PageItem):
                self._hold(source, -1)
            self._room.notify_all()

    def stop(self, *, wait: bool) -> None:
        """Stops the workers (a request in flight completes, nothing more is sent); with `wait`, waits
        for them. Safe to call from any thread, any number of times, and from a finalizer."""
        self.closed = True
        self._stop.set()
        if self._threads is None or not wait:
            return
        with self._work_lock:
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(_JOIN_TIMEOUT)
        if self.spill is not None and not any(thread.is_alive() for thread in threads):
            self.spill.close()


class _Bulk(ExportView[RecordT]):
    """What the sync and async split exports show: the export's state (`ExportView`) and what it was
    asked for, as its engine holds it."""

    _engine: _Engine[RecordT]

    @property
    def client(self) -> Client:
        """The client every request goes through."""
        return self._engine.client

    @property
    def settings(self) -> ReadSettings:
        """How its queries are read (page size, user expansion, waiting, per-call options)."""
        return self._engine.settings

    @property
    def concurrency(self) -> int:
        """Sub-queries run at once."""
        return self._engine.concurrency

    @property
    def ordered(self) -> bool:
        """Whether records come out in interval order (else as pages arrive)."""
        return self._engine.ordered

    @property
    def buffer_pages(self) -> int:
        """Pages fetched ahead of the reader, per worker."""
        return self._engine.buffer_pages


class _ThreadedBulk(_Bulk[RecordT], HandsOut[RecordT]):
    """A split export fetched by worker threads, whatever form its records take."""

    _engine: _Threads[RecordT]

    def __init__(
        self, arguments: ExportArguments, reader: ResultsReader[RecordT], spill_to: Path | None = None
    ) -> None:
        self._engine = _Threads(arguments, reader, spill_to)
        self._state = self._engine.state
        self._one_reader = OneReader()
        # Dropping the export stops its workers (they never refer to it, so it can be collected).
        self._finalizer = weakref.finalize(self, self._engine.stop, wait=False)

    def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        self._engine.check_open()
        with self._one_reader:
            return self._engine.hand_out(limit)

    def close(self) -> None:
        """Stops the workers and waits for them: a request in flight completes, nothing more is sent."""
        self._engine.stop(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class BulkExport(_ThreadedBulk[AuditLogMessage], Iterator[AuditLogMessage]):
    """The records of a split export, fetched by worker threads (see `export_audits`).

    Iterate it for records, or `batches()` for one page's records at a time. `checkpoint()` and
    `progress` may be read at any moment, from any thread; the records are read by one thread. Close it
    (or use `with`) to stop the workers early; an export dropped unclosed stops them too. After an
    error the export is over: resume from `checkpoint()`.
    """

    def __init__(self, arguments: ExportArguments) -> None:
        super().__init__(arguments, ModelResults())

    def __iter__(self) -> BulkExport:
        return self


class JsonBulkExport(_ThreadedBulk[bytes]):
    """`BulkExport` whose records are the JSON text the API sent, `bytes` on one line each (every field
    and value as received); `batches()` hands them out a page at a time, with the same checkpoint.

    With `spill_to` (a folder; the command line gives the output's), an ordered export keeps the pages
    that do not fit in its buffer on disk until their turn (see `_spill`) instead of holding its workers
    back: as fast as an unordered export, with the same memory. `page_ready()` tells a writer whether
    the next page is fetched already, so it may sync once for several pages."""

    def __init__(self, arguments: ExportArguments, spill_to: Path | None = None) -> None:
        super().__init__(arguments, JsonResults(), spill_to)

    def page_ready(self) -> bool:
        """Whether the next page has been fetched already (handing it out will not wait for the network)."""
        return self._engine.page_ready()


class _Tasks(_Engine[AuditLogMessage]):
    """A split export's engine with asyncio tasks."""

    _tasks: list[asyncio.Task[None]] | None = None

    def _begin(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queues: dict[int, asyncio.Queue[_Item]] = {}
        self._room = asyncio.Condition()
        self._shared = asyncio.Queue[_Item](self._budget)
        self._tasks = []
        self._start_workers(self._workers())

    def _start_workers(self, count: int) -> None:
        assert self._tasks is not None
        for _ in range(count):
            self._alive += 1
            self._tasks.append(asyncio.create_task(self._worker(), name=f"audit-export-{len(self._tasks)}"))

    def _cut(self, added: list[int]) -> None:
        if not self.closed:
            self._start_workers(self._queue_work(added))

    def _queue(self, index: int) -> asyncio.Queue[_Item]:
        return self._queues.setdefault(index, asyncio.Queue[_Item]())

    async def _put(self, index: int, item: _Item) -> None:
        item = _without_response(item)
        if not self.ordered:
            await self._shared.put(item)
            return
        if isinstance(item, PageItem):
            async with self._room:
                await self._room.wait_for(lambda: self._fits(index))
                self._hold(index, 1)
        self._queue(index).put_nowait(item)

    async def _worker(self) -> None:
        try:
            while (index := self._claim()) is not None:
                try:
                    await self._run(index)
                finally:
                    self._running -= 1
        finally:
            self._alive -= 1

    async def _run(self, index: int) -> None:
        run = AsyncSubQueryRun(
            self.client, self.state.plan, index, self.settings, self._reader, self._events, self._splitter
        )
        try:
            async for item in run.items():
                await self._put(index, item)
        except Exception as error:
            self._failed = True
            await self._put(index, Failure(error))

    async def hand_out(self, limit: int | None) -> HandOut[AuditLogMessage] | None:
        if self._tasks is None:
            self._begin()
        state = self.state
        try:
            while (out := state.hand_out(limit)) is None and not state.finished:
                source = state.source()
                item = await (self._shared if source is None else self._queue(source)).get()
                try:
                    state.receive(item)
                finally:
                    if source is not None:
                        await self._taken(source, item)
        except BaseException:  # an error, or the reading task cancelled from outside: the workers go too
            await self.aclose()
            raise
        if out is None:
            await self.aclose()
        return out

    async def _taken(self, source: int, item: _Item) -> None:
        async with self._room:
            if isinstance(item, PageItem):
                self._hold(source, -1)
            self._room.notify_all()

    async def aclose(self) -> None:
        """Cancels the workers and waits for them to end."""
        self.closed = True
        while tasks := [task for task in self._tasks or [] if not task.done()]:  # a cut may have added some
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def cancel_soon(self) -> None:
        """Cancels the workers from any thread, without waiting (the export was dropped unclosed)."""
        self.closed = True
        for task in list(self._tasks or []):
            with contextlib.suppress(RuntimeError):  # the loop is closed already: so are its tasks
                self._loop.call_soon_threadsafe(task.cancel)


class AsyncBulkExport(_Bulk[AuditLogMessage], HandsOutAsync[AuditLogMessage], AsyncIterator[AuditLogMessage]):
    """`BulkExport` for `async for`, fetched by asyncio tasks; `aclose()` (or `async with`) cancels them and
    waits for them, as does cancelling the task reading it; an export dropped unclosed cancels them."""

    _engine: _Tasks

    def __init__(self, arguments: ExportArguments) -> None:
        self._engine = _Tasks(arguments, ModelResults())
        self._state = self._engine.state
        self._one_reader = OneReader(tasks=True)
        self._finalizer = weakref.finalize(self, self._engine.cancel_soon)

    async def _hand_out(self, limit: int | None) -> HandOut[AuditLogMessage] | None:
        self._engine.check_open()
        with self._one_reader:
            return await self._engine.hand_out(limit)

    def __aiter__(self) -> AsyncBulkExport:
        return self

    async def aclose(self) -> None:
        """Cancels the workers and waits for them to end."""
        await self._engine.aclose()

    async def __aenter__(self) -> AsyncBulkExport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


@one_call(_arguments.split)
def export_audits(arguments: ExportArguments) -> BulkExport:
    """Every audit record of a long interval, fetched as sub-queries `concurrency` at a time by worker
    threads (see `BulkExport`): cut where the data is dense (`span="auto"`, the default), or of `span` each."""
    return BulkExport(arguments)


@one_call(_arguments.split)
def export_audits_async(arguments: ExportArguments) -> AsyncBulkExport:
    """`export_audits` for `async for`, with asyncio tasks instead of threads (see `AsyncBulkExport`)."""
    return AsyncBulkExport(arguments)
