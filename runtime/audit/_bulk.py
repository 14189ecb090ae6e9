"""Large exports: a long interval split into sub-queries run several at a time, inside the rate limit.

    with export_audits(client, interval=(start, end), span=timedelta(days=1), concurrency=8) as export:
        for record in export:
            ...

Each sub-interval is its own audit query. With `ordered=True` (the default) records come out in
interval order (reversed for a descending sort), i.e. in eventDate order, while later sub-queries are
prefetched into a bounded buffer (`buffer_pages` pages each), so memory stays flat. With
`ordered=False` pages come out as they arrive. Every request goes through the client, so its rate
limiter (shared by all threads and tasks) and its 429 handling apply. `export.checkpoint()` records
each sub-query's query id and position; `export_audits(..., checkpoint=saved)` resumes exactly.

The sub-queries' runs (`_producer`) are driven by worker threads or asyncio tasks that put their pages
on bounded queues; the caller's iteration drives the export's state machine (`_consumer`), reading from
the queue it names.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Generic, Self, TypeVar

from ..models.audit_log_message import AuditLogMessage
from . import _arguments
from ._arguments import ExportArguments, one_call
from ._consumer import ExportState, ExportView, Failure, HandOut, HandsOut, HandsOutAsync, Item
from ._producer import AsyncSubQueryRun, JsonResults, ModelResults, ResultsReader, SubQueryRun

__all__ = ["AsyncBulkExport", "BulkExport", "export_audits", "export_audits_async"]

RecordT = TypeVar("RecordT")
_Item = Item[AuditLogMessage]
_PUT_TIMEOUT = 0.1
_JOIN_TIMEOUT = 30.0


class _Stopped(Exception):
    """The export was closed while a worker waited for buffer space."""


class _Bulk(ExportView[RecordT], Generic[RecordT]):
    """What the sync and async split exports share: the state machine, the work list, progress, and
    how pages are read."""

    def __init__(self, arguments: ExportArguments, reader: ResultsReader[RecordT]) -> None:
        self.client = arguments.client
        self.settings = arguments.settings
        self.concurrency = arguments.concurrency
        self.ordered = arguments.ordered
        self.buffer_pages = arguments.buffer_pages
        self._state = ExportState[RecordT](arguments.plan, ordered=arguments.ordered,
                                           progress=arguments.progress)  # fmt: skip
        self._events = self._state.reporter
        self._reader = reader
        self._work: deque[int] = deque(self._state.pending())
        self._failed = False

    def _workers(self) -> int:
        return min(self.concurrency, len(self._work))

    def _claim(self) -> int | None:
        """The next sub-query to run, unless the export failed or ran out of work."""
        if self._failed or not self._work:
            return None
        index = self._work.popleft()
        self._state.started[index] = True
        return index


class _ThreadedBulk(_Bulk[RecordT], HandsOut[RecordT]):
    """A split export fetched by worker threads, whatever form its records take."""

    _threads: list[threading.Thread] | None = None

    def _begin(self) -> None:
        self._stop = threading.Event()
        self._work_lock = threading.Lock()
        self._queues = {index: queue.Queue[Item[RecordT]](self.buffer_pages) for index in self._work}
        self._shared = queue.Queue[Item[RecordT]](self.buffer_pages * self.concurrency)
        self._threads = [
            threading.Thread(target=self._worker, name=f"audit-export-{n}", daemon=True) for n in range(self._workers())
        ]
        for thread in self._threads:
            thread.start()

    def _put(self, index: int, item: Item[RecordT]) -> None:
        target = self._queues[index] if self.ordered else self._shared
        while not self._stop.is_set():
            try:
                target.put(item, timeout=_PUT_TIMEOUT)
                return
            except queue.Full:
                pass
        raise _Stopped

    def _worker(self) -> None:
        while True:
            with self._work_lock:
                index = None if self._stop.is_set() else self._claim()
            if index is None:
                return
            run = SubQueryRun(self.client, self._state, index, self.settings, self._reader, self._events)
            try:
                for item in run.items():
                    self._put(index, item)
            except _Stopped:
                return
            except BaseException as error:  # handed to the consumer, which raises it
                with self._work_lock:
                    self._failed = True
                try:
                    self._put(index, Failure(error))
                except _Stopped:
                    return

    def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        if self._threads is None:
            self._begin()
        while (out := self._state.hand_out(limit)) is None and not self._state.finished:
            source = self._state.source()
            item = (self._shared if source is None else self._queues[source]).get()
            try:
                self._state.receive(item)
            except BaseException:
                self.close()
                raise
        if out is None:
            self.close()
        return out

    def close(self) -> None:
        """Stops the workers and waits for them: a request in flight completes, nothing more is sent."""
        if self._threads is not None:
            self._stop.set()
            for thread in self._threads:
                if thread is not threading.current_thread():
                    thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class BulkExport(_ThreadedBulk[AuditLogMessage], Iterator[AuditLogMessage]):
    """The records of a split export, fetched by worker threads (see `export_audits`).

    Iterate it for records, or `batches()` for one page's records at a time. `checkpoint()` and
    `progress` may be read at any moment. Close it (or use `with`) to stop the workers early; after an
    error the export is over: resume from `checkpoint()`.
    """

    def __init__(self, arguments: ExportArguments) -> None:
        super().__init__(arguments, ModelResults())

    def __iter__(self) -> BulkExport:
        return self


class JsonBulkExport(_ThreadedBulk[bytes]):
    """`BulkExport` whose records are the JSON text the API sent, `bytes` on one line each (every field
    and value as received); `batches()` hands them out a page at a time, with the same checkpoint."""

    def __init__(self, arguments: ExportArguments) -> None:
        super().__init__(arguments, JsonResults())


class AsyncBulkExport(_Bulk[AuditLogMessage], HandsOutAsync[AuditLogMessage], AsyncIterator[AuditLogMessage]):
    """`BulkExport` for `async for`, fetched by asyncio tasks; `aclose()` (or `async with`) cancels them."""

    _tasks: list[asyncio.Task[None]] | None = None

    def __init__(self, arguments: ExportArguments) -> None:
        super().__init__(arguments, ModelResults())

    def _begin(self) -> None:
        self._queues = {index: asyncio.Queue[_Item](self.buffer_pages) for index in self._work}
        self._shared = asyncio.Queue[_Item](self.buffer_pages * self.concurrency)
        self._tasks = [asyncio.create_task(self._worker()) for _ in range(self._workers())]

    async def _worker(self) -> None:
        while (index := self._claim()) is not None:
            target = self._queues[index] if self.ordered else self._shared
            run = AsyncSubQueryRun(self.client, self._state, index, self.settings, self._reader, self._events)
            try:
                async for item in run.items():
                    await target.put(item)
            except Exception as error:
                self._failed = True
                await target.put(Failure(error))

    async def _hand_out(self, limit: int | None) -> HandOut[AuditLogMessage] | None:
        if self._tasks is None:
            self._begin()
        while (out := self._state.hand_out(limit)) is None and not self._state.finished:
            source = self._state.source()
            item = await (self._shared if source is None else self._queues[source]).get()
            try:
                self._state.receive(item)
            except BaseException:
                await self.aclose()
                raise
        if out is None:
            await self.aclose()
        return out

    def __aiter__(self) -> AsyncBulkExport:
        return self

    async def aclose(self) -> None:
        """Cancels the workers and waits for them to end."""
        tasks = self._tasks or []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> AsyncBulkExport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


@one_call(_arguments.split)
def export_audits(arguments: ExportArguments) -> BulkExport:
    """Every audit record of a long interval, fetched as sub-queries of `span` each, `concurrency` at a time
    by worker threads (see `BulkExport`)."""
    return BulkExport(arguments)


@one_call(_arguments.split)
def export_audits_async(arguments: ExportArguments) -> AsyncBulkExport:
    """`export_audits` for `async for`, with asyncio tasks instead of threads (see `AsyncBulkExport`)."""
    return AsyncBulkExport(arguments)
