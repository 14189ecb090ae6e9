"""From query to records in one call: create an audit query, wait for it, and iterate its records.

    for record in query_audits(client, interval=(start, end), service_name="Architect"):
        ...

The record iterators are lazy: nothing is sent until the first record is asked for, and only one page
of records is held at a time. Arguments are checked before any request goes out. An export can be
checkpointed (`export.checkpoint().to_json()`) and resumed later with `resume_audits`.

An export runs its sub-queries (one, or the parts of a split export's checkpoint) one after the other
in the caller's thread or task: the export's state machine hands records out, each sub-query's run
produces its pages (see `_handout`, `_running_plan` and `_producer`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from dataclasses import replace
from typing import Any, Generic, TypeVar, cast

from .._core._paging import Page
from ..client import Client
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_query_execution_results_response import AuditQueryExecutionResultsResponse
from ..models.audit_query_execution_status_response import AuditQueryExecutionStatusResponse
from . import _arguments
from ._arguments import ExportArguments, one_call
from ._checkpoint import ExportCheckpoint
from ._handout import ExportView, HandOut, HandOutMachine, HandsOut, HandsOutAsync, PageItem, PartEnd
from ._producer import AsyncSubQueryRun, JsonResults, ModelResults, ResultsReader, SubQueryRun, SubQueryRunBase
from ._progress import ProgressCallback
from ._query_args import ReadSettings
from ._reader import OneReader

__all__ = [
    "AsyncAuditExport",
    "AuditExport",
    "query_audits",
    "query_audits_async",
    "resume_audits",
    "resume_audits_async",
]

ResultsPage = Page[AuditQueryExecutionResultsResponse, AuditLogMessage]
RecordT = TypeVar("RecordT")
RunT = TypeVar("RunT", bound=SubQueryRunBase[Any])


def _page(out: HandOut[AuditLogMessage]) -> ResultsPage:
    item, start, stop = out.page, out.start, out.stop
    page = (
        item.page if start == 0 and stop == len(item.records) else replace(item.page, items=item.between(start, stop))
    )
    return cast(ResultsPage, page)


class _Export(ExportView[RecordT], Generic[RecordT, RunT]):
    """What the sync and async exports share: the state machine, the run of the sub-query being read,
    how its pages are read, and the report of progress."""

    _run: RunT | None = None
    _read_by_tasks = False  # who reads it: a thread, or (the async export) an asyncio task

    def __init__(
        self,
        client: Client,
        plan: ExportCheckpoint,
        settings: ReadSettings,
        progress: ProgressCallback | None,
        reader: ResultsReader[RecordT],
    ) -> None:
        self.client = client
        self.settings = settings
        self._state = HandOutMachine[RecordT](plan, progress=progress)
        self._reader = reader
        self._one_reader = OneReader(tasks=self._read_by_tasks)

    def _head_run(self) -> RunT:
        if self._run is None:
            index = self._state.head()
            self._state.plan.start(index)
            self._run = self._new_run(index)
        return self._run

    def _new_run(self, index: int) -> RunT:
        raise NotImplementedError

    def _part(self) -> int:
        """The sub-query being read (the last one once every record is out)."""
        return self._state.plan.count - 1 if self._state.finished else self._state.head()

    @property
    def transaction_id(self) -> str | None:
        """The id of the audit query being read (None before it is created)."""
        return self._state.plan.transaction_id(self._part())

    @property
    def status(self) -> AuditQueryExecutionStatusResponse | None:
        """The final status of the query being read, once it has succeeded."""
        return self._run.status if self._run else None

    @property
    def cursor(self) -> str | None:
        """The cursor of the page being read (None for the first page)."""
        return self._state.plan.part(self._part()).cursor

    @property
    def pages_read(self) -> int:
        """Pages fetched by this export object."""
        return self._state.pages_read


class _SyncExport(_Export[RecordT, SubQueryRun[RecordT]], HandsOut[RecordT]):
    """The blocking driver, whatever form its records take."""

    _items: Generator[PageItem[RecordT] | PartEnd, None, None] | None = None

    def _new_run(self, index: int) -> SubQueryRun[RecordT]:
        return SubQueryRun(self.client, self._state.plan, index, self.settings, self._reader, self._state.reporter)

    def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        with self._one_reader.starting():
            if self._state.finished:
                return str(self.transaction_id)
            try:
                return self._head_run().start()
            except BaseException:
                self._run = None  # the next call starts afresh from the checkpoint
                raise

    def _receive(self) -> None:
        """Reads the next item into the state machine; after a failure the next call starts afresh
        from the checkpoint, which is exact (a page is only read once the one before is handed out)."""
        if self._items is None:
            self._items = self._head_run().items()
        try:
            item = next(self._items)
        except BaseException:
            self._run = self._items = None
            raise
        if isinstance(item, PartEnd):
            self._items.close()
            self._run = self._items = None
        self._state.receive(item)

    def _hand_out(self, limit: int | None) -> HandOut[RecordT] | None:
        with self._one_reader:
            while (out := self._state.hand_out(limit)) is None and not self._state.finished:
                self._receive()
            return out


class AuditExport(_SyncExport[AuditLogMessage], Iterator[AuditLogMessage]):
    """Every record of an audit query, page by page; iterate it, or call `batches()`, `pages()` or
    `detailed_pages()` for whole pages.

    The query is created (unless resuming) and waited for when the first record is asked for, or on
    `start()`. `transaction_id`, `cursor`, `records_read` and `checkpoint()` report progress. After an
    error, iterating again carries on from the same position.
    """

    def __init__(
        self, client: Client, plan: ExportCheckpoint, settings: ReadSettings, progress: ProgressCallback | None = None
    ) -> None:
        super().__init__(client, plan, settings, progress, ModelResults())

    def detailed_pages(self) -> Iterator[ResultsPage]:
        """The remaining pages, each with its records, the cursor it was read with and the next one."""
        while (out := self._hand_out(None)) is not None:
            yield _page(out)

    def pages(self) -> Iterator[AuditQueryExecutionResultsResponse]:
        """The remaining pages' response models."""
        for page in self.detailed_pages():
            yield page.response

    def __iter__(self) -> AuditExport:
        return self


class JsonAuditExport(_SyncExport[bytes]):
    """`AuditExport` whose records are the JSON text the API sent, `bytes` on one line each (every
    field and value as received); `batches()` hands them out a page at a time, with the same checkpoint."""

    def __init__(
        self, client: Client, plan: ExportCheckpoint, settings: ReadSettings, progress: ProgressCallback | None = None
    ) -> None:
        super().__init__(client, plan, settings, progress, JsonResults())


class AsyncAuditExport(
    _Export[AuditLogMessage, AsyncSubQueryRun[AuditLogMessage]],
    HandsOutAsync[AuditLogMessage],
    AsyncIterator[AuditLogMessage],
):
    """`AuditExport` for `async for`; cancelling the task stops the waiting or paging."""

    _items: AsyncGenerator[PageItem[AuditLogMessage] | PartEnd, None] | None = None
    _read_by_tasks = True

    def __init__(
        self, client: Client, plan: ExportCheckpoint, settings: ReadSettings, progress: ProgressCallback | None = None
    ) -> None:
        super().__init__(client, plan, settings, progress, ModelResults())

    def _new_run(self, index: int) -> AsyncSubQueryRun[AuditLogMessage]:
        return AsyncSubQueryRun(self.client, self._state.plan, index, self.settings, self._reader, self._state.reporter)

    async def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        with self._one_reader.starting():
            if self._state.finished:
                return str(self.transaction_id)
            try:
                return await self._head_run().start()
            except BaseException:
                self._run = None  # the next call starts afresh from the checkpoint
                raise

    async def _receive(self) -> None:
        if self._items is None:
            self._items = self._head_run().items()
        try:
            item = await anext(self._items)
        except BaseException:
            self._run = self._items = None
            raise
        if isinstance(item, PartEnd):
            await self._items.aclose()
            self._run = self._items = None
        self._state.receive(item)

    async def _hand_out(self, limit: int | None) -> HandOut[AuditLogMessage] | None:
        with self._one_reader:
            while (out := self._state.hand_out(limit)) is None and not self._state.finished:
                await self._receive()
            return out

    async def detailed_pages(self) -> AsyncIterator[ResultsPage]:
        """The remaining pages, each with its records, the cursor it was read with and the next one."""
        while (out := await self._hand_out(None)) is not None:
            yield _page(out)

    async def pages(self) -> AsyncIterator[AuditQueryExecutionResultsResponse]:
        """The remaining pages' response models."""
        async for page in self.detailed_pages():
            yield page.response

    def __aiter__(self) -> AsyncAuditExport:
        return self


@one_call(_arguments.query)
def query_audits(arguments: ExportArguments) -> AuditExport:
    """Every audit record matching the query, as a lazy iterator (see `AuditExport`)."""
    return AuditExport(arguments.client, arguments.plan, arguments.settings, arguments.progress)


@one_call(_arguments.query)
def query_audits_async(arguments: ExportArguments) -> AsyncAuditExport:
    """`query_audits` for `async for` (see `AsyncAuditExport`)."""
    return AsyncAuditExport(arguments.client, arguments.plan, arguments.settings, arguments.progress)


@one_call(_arguments.resume)
def resume_audits(arguments: ExportArguments) -> AuditExport:
    """The records of an export not yet yielded at `checkpoint` (an ExportCheckpoint or its JSON)."""
    return AuditExport(arguments.client, arguments.plan, arguments.settings, arguments.progress)


@one_call(_arguments.resume)
def resume_audits_async(arguments: ExportArguments) -> AsyncAuditExport:
    """`resume_audits` for `async for`."""
    return AsyncAuditExport(arguments.client, arguments.plan, arguments.settings, arguments.progress)
