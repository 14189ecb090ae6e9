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
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from types import TracebackType

from .._core._client import RequestOptions
from .._core._errors import ConfigurationError
from .._core._waiter import WaitPolicy
from ..client import Client
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from ._bulk_plan import BulkCheckpoint, PartCheckpoint, split_interval
from ._bulk_state import BulkState, Failure, PageItem, PartEnd, drop_records, vanished
from ._exports import MAX_PAGE_SIZE, _query_request
from ._query_args import FiltersArg, IntervalArg, SortArg, build_sort, check_page_size

__all__ = ["AsyncBulkExport", "BulkExport", "export_audits", "export_audits_async"]

_Item = PageItem | PartEnd | Failure
_PUT_TIMEOUT = 0.1
_JOIN_TIMEOUT = 30.0


class _Stopped(Exception):
    """The export was closed while a worker waited for buffer space."""


class BulkExport(BulkState, Iterator[AuditLogMessage]):
    """The records of a split export, fetched by worker threads (see `export_audits`).

    Iterate it for records, or `batches()` for one page's records at a time. `checkpoint()` and
    `progress` may be read at any moment. Close it (or use `with`) to stop the workers early; after an
    error the export is over: resume from `checkpoint()`.
    """

    _threads: list[threading.Thread] | None = None

    def _begin(self) -> None:
        pending = self.pending()
        self._stop = threading.Event()
        self._work: deque[int] = deque(pending)
        self._work_lock = threading.Lock()
        self._failed = False
        self._queues = {index: queue.Queue[_Item](self.buffer_pages) for index in pending}
        self._shared = queue.Queue[_Item](self.buffer_pages * self.concurrency)
        self._order = deque(pending)
        self._remaining = len(pending)
        self._current: PageItem | None = None
        self._position = 0
        self._threads = [
            threading.Thread(target=self._worker, name=f"audit-export-{n}", daemon=True)
            for n in range(min(self.concurrency, len(pending)))
        ]
        for thread in self._threads:
            thread.start()

    # Workers

    def _put(self, index: int, item: _Item) -> None:
        if self._stop.is_set():
            raise _Stopped
        target = self._queues[index] if self.ordered else self._shared
        while True:
            try:
                target.put(item, timeout=_PUT_TIMEOUT)
                return
            except queue.Full:
                if self._stop.is_set():
                    raise _Stopped from None

    def _take_work(self) -> int | None:
        with self._work_lock:
            if self._failed or self._stop.is_set() or not self._work:
                return None
            index = self._work.popleft()
            self.started[index] = True
            return index

    def _worker(self) -> None:
        while (index := self._take_work()) is not None:
            try:
                self._run_part(index, rerun=False)
            except _Stopped:
                return
            except BaseException as error:  # handed to the consumer, which raises it
                with self._work_lock:
                    self._failed = True
                try:
                    self._put(index, Failure(error))
                except _Stopped:
                    return

    def _run_part(self, index: int, *, rerun: bool) -> None:
        export, drop = self.sync_export(index, rerun=rerun)
        emitted = False
        try:
            transaction_id = export.start()
            self.set_transaction(index, transaction_id)
            first_index = self.first_index(index, rerun)
            for page in export.detailed_pages():
                kept, dropped, drop = drop_records(list(page.items), drop)
                item = PageItem(index, transaction_id, page.cursor, page.next_cursor, page.last,
                                first_index + dropped, kept)  # fmt: skip
                first_index = 0
                emitted = True
                self._put(index, item)
        except _Stopped:
            raise
        except Exception as error:
            if not vanished(error, emitted, rerun):
                raise
            self._run_part(index, rerun=True)
            return
        self._put(index, PartEnd(index))

    # Consumer

    def _get(self) -> PageItem | None:
        """The next page to hand out, or None when every sub-query is done."""
        while True:
            if self.ordered:
                if not self._order:
                    return None
                item = self._queues[self._order[0]].get()
            else:
                if self._remaining == 0:
                    return None
                item = self._shared.get()
            if isinstance(item, Failure):
                self.close()
                raise item.error
            if isinstance(item, PartEnd):
                self.finish(item.part)
                if self.ordered:
                    self._order.popleft()
                else:
                    self._remaining -= 1
                continue
            if not item.records:
                self.advance(item, 0, 0)
                continue
            return item

    def batches(self) -> Iterator[list[AuditLogMessage]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        if self._threads is None:
            self._begin()
        if self._current is not None:  # finish a page that per-record iteration started
            rest = self._current.records[self._position :]
            self.advance(self._current, self._position, len(self._current.records))
            self._current = None
            yield rest
        while (item := self._get()) is not None:
            self.advance(item, 0, len(item.records))
            yield item.records
        self.close()

    def __iter__(self) -> BulkExport:
        return self

    def __next__(self) -> AuditLogMessage:
        if self._threads is None:
            self._begin()
        if self._current is None:
            self._current = self._get()
            self._position = 0
            if self._current is None:
                self.close()
                raise StopIteration
        item = self._current
        record = item.records[self._position]
        self._position += 1
        self.advance(item, self._position - 1, self._position)
        if self._position >= len(item.records):
            self._current = None
        return record

    def close(self) -> None:
        """Stops the workers and waits for them: a request in flight completes, nothing more is sent."""
        if self._threads is not None:
            self._stop.set()
            for thread in self._threads:
                if thread is not threading.current_thread():
                    thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> BulkExport:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncBulkExport(BulkState, AsyncIterator[AuditLogMessage]):
    """`BulkExport` for `async for`, fetched by asyncio tasks; `aclose()` (or `async with`) cancels them."""

    _tasks: list[asyncio.Task[None]] | None = None

    def _begin(self) -> None:
        pending = self.pending()
        self._work: deque[int] = deque(pending)
        self._failed = False
        self._queues = {index: asyncio.Queue[_Item](self.buffer_pages) for index in pending}
        self._shared = asyncio.Queue[_Item](self.buffer_pages * self.concurrency)
        self._order = deque(pending)
        self._remaining = len(pending)
        self._current: PageItem | None = None
        self._position = 0
        self._tasks = [asyncio.create_task(self._worker()) for _ in range(min(self.concurrency, len(pending)))]

    async def _put(self, index: int, item: _Item) -> None:
        await (self._queues[index] if self.ordered else self._shared).put(item)

    async def _worker(self) -> None:
        while self._work and not self._failed:
            index = self._work.popleft()
            self.started[index] = True
            try:
                await self._run_part(index, rerun=False)
            except Exception as error:
                self._failed = True
                await self._put(index, Failure(error))

    async def _run_part(self, index: int, *, rerun: bool) -> None:
        export, drop = self.async_export(index, rerun=rerun)
        emitted = False
        try:
            transaction_id = await export.start()
            self.set_transaction(index, transaction_id)
            first_index = self.first_index(index, rerun)
            async for page in export.detailed_pages():
                kept, dropped, drop = drop_records(list(page.items), drop)
                item = PageItem(index, transaction_id, page.cursor, page.next_cursor, page.last,
                                first_index + dropped, kept)  # fmt: skip
                first_index = 0
                emitted = True
                await self._put(index, item)
        except Exception as error:
            if not vanished(error, emitted, rerun):
                raise
            await self._run_part(index, rerun=True)
            return
        await self._put(index, PartEnd(index))

    async def _get(self) -> PageItem | None:
        while True:
            if self.ordered:
                if not self._order:
                    return None
                item = await self._queues[self._order[0]].get()
            else:
                if self._remaining == 0:
                    return None
                item = await self._shared.get()
            if isinstance(item, Failure):
                await self.aclose()
                raise item.error
            if isinstance(item, PartEnd):
                self.finish(item.part)
                if self.ordered:
                    self._order.popleft()
                else:
                    self._remaining -= 1
                continue
            if not item.records:
                self.advance(item, 0, 0)
                continue
            return item

    async def batches(self) -> AsyncIterator[list[AuditLogMessage]]:
        """The remaining records a page at a time (the checkpoint moves past each as it is handed out)."""
        if self._tasks is None:
            self._begin()
        if self._current is not None:
            rest = self._current.records[self._position :]
            self.advance(self._current, self._position, len(self._current.records))
            self._current = None
            yield rest
        while (item := await self._get()) is not None:
            self.advance(item, 0, len(item.records))
            yield item.records
        await self.aclose()

    def __aiter__(self) -> AsyncBulkExport:
        return self

    async def __anext__(self) -> AuditLogMessage:
        if self._tasks is None:
            self._begin()
        if self._current is None:
            self._current = await self._get()
            self._position = 0
            if self._current is None:
                await self.aclose()
                raise StopAsyncIteration
        item = self._current
        record = item.records[self._position]
        self._position += 1
        self.advance(item, self._position - 1, self._position)
        if self._position >= len(item.records):
            self._current = None
        return record

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


def _descending(sort: SortArg) -> bool:
    keys = build_sort(sort) or []
    return bool(keys) and keys[0].sort_order == AuditQuerySortSortOrder.DESCENDING


def _plan(
    interval: IntervalArg,
    span: timedelta,
    service_name: str | None,
    filters: FiltersArg,
    sort: SortArg,
    checkpoint: BulkCheckpoint | str | None,
) -> BulkCheckpoint:
    intervals = split_interval(interval, span)
    if _descending(sort):
        intervals.reverse()
    query = _query_request(intervals[0], service_name, filters, sort).to_dict()
    del query["interval"]
    if checkpoint is None:
        return BulkCheckpoint(query, tuple(PartCheckpoint(part) for part in intervals))
    saved = BulkCheckpoint.from_json(checkpoint) if isinstance(checkpoint, str) else checkpoint
    if saved.query != query or [part.interval for part in saved.parts] != intervals:
        raise ConfigurationError("the checkpoint is for a different export (interval, span, filters or sort differ)")
    return saved


def _settings(concurrency: int, buffer_pages: int, page_size: int) -> None:
    for name, value in (("concurrency", concurrency), ("buffer_pages", buffer_pages)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f"{name} must be a positive integer, not {value!r}")
    check_page_size(page_size, MAX_PAGE_SIZE)


def export_audits(
    client: Client,
    *,
    interval: IntervalArg,
    span: timedelta = timedelta(days=1),
    concurrency: int = 8,
    ordered: bool = True,
    checkpoint: BulkCheckpoint | str | None = None,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    buffer_pages: int = 2,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> BulkExport:
    """Every audit record of a long interval, fetched as sub-queries of `span` each, `concurrency` at a time.

    Args:
        interval: A (start, end) pair of aware datetimes or an ISO-8601 `start/end` string.
        span: The length of each sub-interval (the last may be shorter).
        concurrency: Sub-queries run at once (worker threads).
        ordered: Yield in interval order (eventDate order for a timestamp sort); False: as pages arrive.
        checkpoint: A `BulkCheckpoint` (or its JSON) of an interrupted export with the same arguments;
            the export yields exactly the records not yielded before it.
        buffer_pages: Pages each sub-query may fetch ahead of the consumer (ordered), or per worker.
        The other arguments are those of `query_audits`, applied to every sub-query.

    Raises (before any request): IntervalError, ConfigurationError. While iterating: the errors of
    `query_audits` (the export stops at the first).
    """
    _settings(concurrency, buffer_pages, page_size)
    return BulkExport(
        client,
        checkpoint=_plan(interval, span, service_name, filters, sort, checkpoint),
        concurrency=concurrency,
        ordered=ordered,
        buffer_pages=buffer_pages,
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )


def export_audits_async(
    client: Client,
    *,
    interval: IntervalArg,
    span: timedelta = timedelta(days=1),
    concurrency: int = 8,
    ordered: bool = True,
    checkpoint: BulkCheckpoint | str | None = None,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    buffer_pages: int = 2,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> AsyncBulkExport:
    """`export_audits` for `async for`, with asyncio tasks instead of threads."""
    _settings(concurrency, buffer_pages, page_size)
    return AsyncBulkExport(
        client,
        checkpoint=_plan(interval, span, service_name, filters, sort, checkpoint),
        concurrency=concurrency,
        ordered=ordered,
        buffer_pages=buffer_pages,
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )
