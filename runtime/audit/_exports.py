"""From query to records in one call: create an audit query, wait for it, and iterate its records.

    for record in query_audits(client, interval=(start, end), service_name="Architect"):
        ...

The record iterators are lazy: nothing is sent until the first record is asked for, and only one page
of records is held at a time. Arguments are checked before any request goes out. An export can be
checkpointed (`export.checkpoint().to_json()`) and resumed later with `resume_audits`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from .._core._client import RequestOptions
from .._core._decoding import require_field
from .._core._errors import ConfigurationError
from .._core._paging import AsyncCursorPages, AsyncNumberedPages, CursorPages, NumberedPages, Page
from .._core._waiter import WaitPolicy
from ..api.audit import get_audits_query_transaction_id_results as _results
from ..api.audit import post_audits_query as _query
from ..api.audit import post_audits_query_realtime as _realtime
from ..client import Client
from ..models.audit_expand_field import AuditExpandField
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_query_execution_results_response import AuditQueryExecutionResultsResponse
from ..models.audit_query_execution_status_response import AuditQueryExecutionStatusResponse
from ..models.audit_query_request import AuditQueryRequest
from ..models.audit_realtime_query_request import AuditRealtimeQueryRequest
from ..models.audit_realtime_query_results_response import AuditRealtimeQueryResultsResponse
from ..types import UNSET
from ._query_args import (
    FiltersArg,
    IntervalArg,
    SortArg,
    build_filters,
    build_sort,
    check_page_size,
    format_interval,
)

__all__ = [
    "AsyncAuditExport",
    "AuditExport",
    "ExportCheckpoint",
    "query_audits",
    "query_audits_async",
    "realtime_audits",
    "realtime_audits_async",
    "resume_audits",
    "resume_audits_async",
]

MAX_PAGE_SIZE = 500

ResultsPage = Page[AuditQueryExecutionResultsResponse, AuditLogMessage]


@dataclass(frozen=True)
class ExportCheckpoint:
    """How far an export got: its query, the page being read and how many of its records were yielded.

    `records_read` counts every record yielded so far, across resumptions; `done` is true once every
    record has been yielded (a None cursor otherwise means the first page).
    """

    transaction_id: str
    cursor: str | None = None
    skip: int = 0
    records_read: int = 0
    done: bool = False

    def to_json(self) -> str:
        return json.dumps(
            {
                "transactionId": self.transaction_id,
                "cursor": self.cursor,
                "skip": self.skip,
                "recordsRead": self.records_read,
                "done": self.done,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ExportCheckpoint:
        try:
            data = json.loads(text)
            checkpoint = cls(
                transaction_id=data["transactionId"],
                cursor=data.get("cursor"),
                skip=data.get("skip", 0),
                records_read=data.get("recordsRead", 0),
                done=data.get("done", False) is True,
            )
        except (ValueError, TypeError, KeyError) as error:
            raise ConfigurationError(f"not an export checkpoint: {type(error).__name__}") from None
        if not isinstance(checkpoint.transaction_id, str) or not isinstance(checkpoint.skip, int):
            raise ConfigurationError("not an export checkpoint: wrong field types")
        return checkpoint


def _expand(expand_user: bool) -> list[AuditExpandField] | None:
    return [AuditExpandField.USER] if expand_user else None


def _query_request(
    interval: IntervalArg, service_name: str | None, filters: FiltersArg, sort: SortArg
) -> AuditQueryRequest:
    return AuditQueryRequest(
        interval=format_interval(interval),
        service_name=UNSET if service_name is None else service_name,
        filters=build_filters(filters) or UNSET,
        sort=build_sort(sort) or UNSET,
    )


class _ExportState:
    """What the sync and async exports share: settings, the query's id and the reading position."""

    def __init__(
        self,
        client: Client,
        *,
        request: AuditQueryRequest | None,
        checkpoint: ExportCheckpoint | None,
        page_size: int,
        expand_user: bool,
        wait_policy: WaitPolicy | None,
        request_options: RequestOptions | None,
    ) -> None:
        self.client = client
        self.request = request
        self.page_size = check_page_size(page_size, MAX_PAGE_SIZE)
        self.expand = _expand(expand_user)
        self.wait_policy = wait_policy
        self.request_options = request_options
        self._start = checkpoint
        self.transaction_id: str | None = checkpoint.transaction_id if checkpoint else None
        self.status: AuditQueryExecutionStatusResponse | None = None
        self._pager: CursorPages[AuditQueryExecutionResultsResponse, AuditLogMessage] | None = None
        self._async_pager: AsyncCursorPages[AuditQueryExecutionResultsResponse, AuditLogMessage] | None = None

    def _progress(self) -> tuple[str | None, int, int, int]:
        start = self._start or ExportCheckpoint("")
        pager = self._pager or self._async_pager
        if pager is None:
            return start.cursor, start.skip, start.records_read, 0
        return pager.cursor, pager.skip, start.records_read + pager.items_read, pager.pages_read

    @property
    def _finished_before(self) -> bool:
        """Resumed from a checkpoint taken after the last record: nothing to read, nothing to send."""
        return self._start is not None and self._start.done

    @property
    def cursor(self) -> str | None:
        """The cursor of the page being read (None for the first page)."""
        return self._progress()[0]

    @property
    def records_read(self) -> int:
        """Records yielded so far (including those before the checkpoint this export resumed from)."""
        return self._progress()[2]

    @property
    def pages_read(self) -> int:
        """Pages fetched by this export object."""
        return self._progress()[3]

    @property
    def done(self) -> bool:
        """Whether every record has been yielded."""
        pager = self._pager or self._async_pager
        return self._finished_before or (pager is not None and pager.done)

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: `resume_audits(client, checkpoint)` yields exactly the records not yet yielded."""
        if self.transaction_id is None:
            raise ConfigurationError("the query has not been created yet; nothing to checkpoint")
        cursor, skip, records_read, _ = self._progress()
        return ExportCheckpoint(self.transaction_id, cursor, skip, records_read, self.done)

    def _request(self) -> AuditQueryRequest:
        if self.request is None:  # only a resumed export has no request, and it has an id
            raise ConfigurationError("an export needs a query request or a checkpoint")
        return self.request

    def _start_position(self) -> tuple[str | None, int]:
        return (self._start.cursor, self._start.skip) if self._start else (None, 0)


class AuditExport(_ExportState, Iterator[AuditLogMessage]):
    """Every record of an audit query, page by page; iterate it, or call `pages()` /
    `detailed_pages()` for whole pages.

    The query is created (unless resuming) and waited for when the first record is asked for, or on
    `start()`. `transaction_id`, `cursor`, `records_read` and `checkpoint()` report progress. After an
    error, iterating again carries on from the same position.
    """

    def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        if self.transaction_id is None:
            created = _query.sync(client=self.client, body=self._request(), request_options=self.request_options)
            self.transaction_id = require_field(created.id, "id")
        if self.status is None:
            self.status = _query.wait(
                self.transaction_id, client=self.client, policy=self.wait_policy, request_options=self.request_options
            )
        return self.transaction_id

    def _results(self) -> CursorPages[AuditQueryExecutionResultsResponse, AuditLogMessage]:
        if self._pager is None:
            transaction_id = self.start()
            cursor, skip = self._start_position()
            self._pager = _results.paginate(
                transaction_id,
                client=self.client,
                page_size=self.page_size,
                expand=self.expand or UNSET,
                request_options=self.request_options,
                start_cursor=cursor,
                skip=skip,
            )
        return self._pager

    def pages(self) -> Iterator[AuditQueryExecutionResultsResponse]:
        """The remaining pages' response models."""
        return iter(()) if self._finished_before else self._results().pages()

    def detailed_pages(self) -> Iterator[ResultsPage]:
        """The remaining pages, each with its records, the cursor it was read with and the next one."""
        return iter(()) if self._finished_before else self._results().detailed_pages()

    def __iter__(self) -> AuditExport:
        return self

    def __next__(self) -> AuditLogMessage:
        if self._finished_before:
            raise StopIteration
        return next(self._results())


class AsyncAuditExport(_ExportState, AsyncIterator[AuditLogMessage]):
    """`AuditExport` for `async for`; cancelling the task stops the waiting or paging."""

    async def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        if self.transaction_id is None:
            created = await _query.asyncio(
                client=self.client, body=self._request(), request_options=self.request_options
            )
            self.transaction_id = require_field(created.id, "id")
        if self.status is None:
            self.status = await _query.wait_async(
                self.transaction_id, client=self.client, policy=self.wait_policy, request_options=self.request_options
            )
        return self.transaction_id

    async def _results(self) -> AsyncCursorPages[AuditQueryExecutionResultsResponse, AuditLogMessage]:
        if self._async_pager is None:
            transaction_id = await self.start()
            cursor, skip = self._start_position()
            self._async_pager = _results.paginate_async(
                transaction_id,
                client=self.client,
                page_size=self.page_size,
                expand=self.expand or UNSET,
                request_options=self.request_options,
                start_cursor=cursor,
                skip=skip,
            )
        return self._async_pager

    async def pages(self) -> AsyncIterator[AuditQueryExecutionResultsResponse]:
        """The remaining pages' response models."""
        async for page in self.detailed_pages():
            yield page.response

    async def detailed_pages(self) -> AsyncIterator[ResultsPage]:
        """The remaining pages, each with its records, the cursor it was read with and the next one."""
        if self._finished_before:
            return
        async for page in (await self._results()).detailed_pages():
            yield page

    def __aiter__(self) -> AsyncAuditExport:
        return self

    async def __anext__(self) -> AuditLogMessage:
        if self._finished_before:
            raise StopAsyncIteration
        return await (await self._results()).__anext__()


def query_audits(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> AuditExport:
    """Every audit record matching the query, as a lazy iterator (see `AuditExport`).

    Args:
        client: The client to call with (its retries and token renewal apply to every call).
        interval: A (start, end) pair of aware datetimes or an ISO-8601 `start/end` string.
        service_name: The service whose audits to return.
        filters: ``{"Action": "Delete"}``, ``[("EntityType", "User")]`` or AuditQueryFilter models.
        sort: ``"ascending"`` / ``"descending"`` by timestamp, or AuditQuerySort models.
        expand_user: Expand each record's user in place.
        page_size: Records per results page (1 to 500).
        wait_policy: How to poll the query's state, and for how long at most.
        request_options: Per-call retry, deadline and timeout settings.

    Raises (before any request): IntervalError for a bad interval; ConfigurationError for other bad
    arguments. While iterating: WaitFailedError, WaitTimeoutError and the client's API errors.
    """
    return AuditExport(
        client,
        request=_query_request(interval, service_name, filters, sort),
        checkpoint=None,
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )


def query_audits_async(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> AsyncAuditExport:
    """`query_audits` for `async for`."""
    return AsyncAuditExport(
        client,
        request=_query_request(interval, service_name, filters, sort),
        checkpoint=None,
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )


def _checkpoint(checkpoint: ExportCheckpoint | str) -> ExportCheckpoint:
    return ExportCheckpoint.from_json(checkpoint) if isinstance(checkpoint, str) else checkpoint


def resume_audits(
    client: Client,
    checkpoint: ExportCheckpoint | str,
    *,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> AuditExport:
    """The records of an export not yet yielded at `checkpoint` (an ExportCheckpoint or its JSON)."""
    return AuditExport(
        client,
        request=None,
        checkpoint=_checkpoint(checkpoint),
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )


def resume_audits_async(
    client: Client,
    checkpoint: ExportCheckpoint | str,
    *,
    expand_user: bool = True,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
) -> AsyncAuditExport:
    """`resume_audits` for `async for`."""
    return AsyncAuditExport(
        client,
        request=None,
        checkpoint=_checkpoint(checkpoint),
        page_size=page_size,
        expand_user=expand_user,
        wait_policy=wait_policy,
        request_options=request_options,
    )


def _realtime_request(
    interval: IntervalArg,
    service_name: str | None,
    filters: FiltersArg,
    sort: SortArg,
    page_size: int,
    page_number: int,
) -> AuditRealtimeQueryRequest:
    if isinstance(page_number, bool) or not isinstance(page_number, int) or page_number < 1:
        raise ConfigurationError(f"page_number must be a positive integer, not {page_number!r}")
    return AuditRealtimeQueryRequest(
        interval=format_interval(interval),
        service_name=UNSET if service_name is None else service_name,
        filters=build_filters(filters) or UNSET,
        sort=build_sort(sort) or UNSET,
        page_number=page_number,
        page_size=check_page_size(page_size, MAX_PAGE_SIZE),
    )


def realtime_audits(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = 100,
    page_number: int = 1,
    skip: int = 0,
    request_options: RequestOptions | None = None,
) -> NumberedPages[AuditRealtimeQueryResultsResponse, AuditLogMessage]:
    """Every record a realtime query (recent days only) matches, page by page up to its page count.

    Arguments are those of `query_audits`; resume with the pager's `page_number` and `skip`.
    """
    return _realtime.paginate(
        client=client,
        body=_realtime_request(interval, service_name, filters, sort, page_size, page_number),
        expand=_expand(expand_user) or UNSET,
        request_options=request_options,
        skip=skip,
    )


def realtime_audits_async(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = True,
    page_size: int = 100,
    page_number: int = 1,
    skip: int = 0,
    request_options: RequestOptions | None = None,
) -> AsyncNumberedPages[AuditRealtimeQueryResultsResponse, AuditLogMessage]:
    """`realtime_audits` for `async for`."""
    return _realtime.paginate_async(
        client=client,
        body=_realtime_request(interval, service_name, filters, sort, page_size, page_number),
        expand=_expand(expand_user) or UNSET,
        request_options=request_options,
        skip=skip,
    )
