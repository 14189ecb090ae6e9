"""The producer side of an export: one sub-query run from its checkpoint to its last page.

Flow: producer (this module) -> plan (`_running_plan`) -> hand-out (`_handout`) -> sink. A run records its
query id in the plan, and in an adaptive export tells the split (`_adaptive`) what each page showed.

A run creates the audit query (unless its checkpoint names one), waits until it has succeeded, then
reads its results page by page from the checkpoint's position, turning each page into an item for the
consumer. When the query has vanished (404: it expired, or the server forgot it) the run creates it
again, once, and drops the records already produced, so nothing is handed out twice. A query that ends
Failed or Cancelled raises WaitFailedError and leaves the checkpoint, so that resuming runs it anew.

`SubQueryRun` and `AsyncSubQueryRun` are the sync and async forms of the same steps; everything that
is not I/O lives in their shared base. How a results page is fetched and decoded is a `ResultsReader`,
so records can come out as models (the default) or as the JSON text the API sent (`JsonResults`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import msgspec

from .._core._decoding import json_items, require_field
from .._core._errors import DecodingError, NotFoundError, WaitFailedError
from .._core._paging import AsyncCursorPages, CursorPages, Page
from .._core._waiter import wait_for_state, wait_for_state_async
from ..api.audit import get_audits_query_transaction_id as _status
from ..api.audit import get_audits_query_transaction_id_results as _results
from ..api.audit import post_audits_query as _query
from ..client import Client
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_query_execution_results_response import AuditQueryExecutionResultsResponse
from ..models.audit_query_execution_status_response import AuditQueryExecutionStatusResponse
from ..types import UNSET, Response, Unset
from ._adaptive import AutoSplit, records_inside
from ._handout import PageItem, PartEnd
from ._query_args import ReadSettings
from ._running_plan import RunningPlan

__all__: list[str] = []

RecordT = TypeVar("RecordT")


class ExportEvents(Protocol):
    """What a run reports as it goes (called in the thread or task that runs the sub-query)."""

    def query_state(self, part: int, transaction_id: str, state: str) -> None:
        """The query was created, or polled, and is in `state`."""

    def query_rerun(self, part: int, transaction_id: str) -> None:
        """The query vanished and is being run again."""


class ResultsReader(Protocol[RecordT]):
    """How results pages are fetched and what their records come out as."""

    def pages(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> CursorPages[Any, RecordT]: ...

    def pages_async(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> AsyncCursorPages[Any, RecordT]: ...

    def event_date(self, record: RecordT) -> datetime | None:
        """When the record's action happened (None when it does not say); an adaptive split needs it."""


class ModelResults:
    """Records as `AuditLogMessage` models, through the generated results operation."""

    def pages(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> CursorPages[Any, AuditLogMessage]:
        return _results.paginate(transaction_id, client=client, **_page_arguments(settings, cursor, skip))

    def pages_async(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> AsyncCursorPages[Any, AuditLogMessage]:
        return _results.paginate_async(transaction_id, client=client, **_page_arguments(settings, cursor, skip))

    def event_date(self, record: AuditLogMessage) -> datetime | None:
        moment = record.event_date
        return None if isinstance(moment, Unset) else moment


@dataclass(frozen=True)
class JsonPage:
    """A results page as its model (decoded and checked as usual: the cursor, a redirect, a bad record's
    DecodingError) and its records as the JSON text received, one `bytes` each."""

    response: AuditQueryExecutionResultsResponse
    records: list[bytes]


def _json_page(response: Response[AuditQueryExecutionResultsResponse]) -> JsonPage:
    page = response.parsed
    if page is None:  # cannot be: a results page with no model raised already
        raise DecodingError("the results page has no body")
    records = json_items(response.content, "entities")
    if len(records) != len(page.entities or ()):  # cannot be, for one body: both come from it
        raise DecodingError("the page's records could not be read as received", field="entities", path="entities")
    return JsonPage(page, records)


class JsonResults:
    """Records as the JSON text the API sent (`bytes`, one line each): every field and value as
    received, known to the spec or not. Each page is still decoded as its model first, so a page that
    does not fit the spec fails exactly as it does for `ModelResults`."""

    def pages(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> CursorPages[JsonPage, bytes]:
        def fetch(page_cursor: str | None) -> JsonPage:
            arguments = _fetch_arguments(settings, page_cursor)
            return _json_page(_results.sync_detailed(transaction_id, client=client, **arguments))

        return CursorPages(fetch, start_cursor=cursor, skip=skip, **_json_paging)

    def pages_async(
        self, client: Client, transaction_id: str, settings: ReadSettings, cursor: str | None, skip: int
    ) -> AsyncCursorPages[JsonPage, bytes]:
        async def fetch(page_cursor: str | None) -> JsonPage:
            arguments = _fetch_arguments(settings, page_cursor)
            return _json_page(await _results.asyncio_detailed(transaction_id, client=client, **arguments))

        return AsyncCursorPages(fetch, start_cursor=cursor, skip=skip, **_json_paging)

    def event_date(self, record: bytes) -> datetime | None:
        # The page was decoded as its model already, so the record's eventDate is a valid date-time.
        return _event_dates.decode(record).eventDate


class _Dated(msgspec.Struct):
    """Just the eventDate of a record (what an adaptive split reads of a record kept as text)."""

    eventDate: datetime | None = None


_event_dates = msgspec.json.Decoder(_Dated)


# How JsonResults pages through a query: what the generated results `paginate` does, on JsonPage.
_json_paging: dict[str, Any] = {
    "cursor_of": lambda page: page.response.cursor,
    "items_of": lambda page: page.records,
    "operation": "getAuditsQueryTransactionIdResults",
    "redirect_of": lambda page: page.response.additional_properties.get("downloadUrl"),
}


def _read_arguments(settings: ReadSettings) -> dict[str, Any]:
    """What every results request of an export is sent with."""
    return {"page_size": settings.page_size, "expand": settings.expand, "request_options": settings.request_options}


def _fetch_arguments(settings: ReadSettings, cursor: str | None) -> dict[str, Any]:
    return {"cursor": UNSET if cursor is None else cursor, **_read_arguments(settings)}


def _page_arguments(settings: ReadSettings, cursor: str | None, skip: int) -> dict[str, Any]:
    return {"start_cursor": cursor, "skip": skip, **_read_arguments(settings)}


def _state_text(value: object) -> str:
    return str(getattr(value, "value", value)) if value else "unknown"


class SubQueryRunBase(Generic[RecordT]):
    """One sub-query's position as its producer sees it, and every step that is not I/O."""

    def __init__(
        self,
        client: Client,
        plan: RunningPlan,
        index: int,
        settings: ReadSettings,
        reader: ResultsReader[RecordT],
        events: ExportEvents,
        splitter: AutoSplit | None = None,
    ) -> None:
        part = plan.part(index)
        self.client = client
        self.index = index
        self.settings = settings
        self.transaction_id = part.transaction_id
        self.status: AuditQueryExecutionStatusResponse | None = None
        self._plan = plan
        self._reader = reader
        self._events = events
        self._cursor, self._skip = part.cursor, part.skip
        self._produced = part.records_read  # records of the query, in its order, produced so far
        # A sub-query without a query but with records read is run again from its start, dropping those.
        self._drop = part.records_read if part.transaction_id is None else 0
        self._ran_again = False
        self._splitter = splitter
        self._polls = 0
        self._previous: datetime | None = None  # the event date of the last record produced (adaptive)
        self._fresh = not part.records_read  # it reads its interval from its start (what the split learns)

    def _created(self, created: AuditQueryExecutionStatusResponse) -> None:
        self.transaction_id = require_field(created.id, "id")
        self._plan.set_transaction(self.index, self.transaction_id)
        self._events.query_state(self.index, self.transaction_id, _state_text(created.state))

    def _polled(self, status: AuditQueryExecutionStatusResponse) -> AuditQueryExecutionStatusResponse:
        self._polls += 1
        self._events.query_state(self.index, str(self.transaction_id), _state_text(status.state))
        return status

    def _wait_arguments(self) -> dict[str, Any]:
        return {
            "state_of": lambda status: status.state,
            "success": _query.SUCCESS_STATES,
            "failure": _query.FAILURE_STATES,
            "resource_id": self.transaction_id,
            "policy": self.settings.wait_policy,
        }

    def _item(self, page: Page[Any, RecordT]) -> PageItem[RecordT]:
        first_index, self._skip = self._skip, 0
        dropped = min(self._drop, len(page.items))
        self._drop -= dropped
        if dropped:
            page = replace(page, items=page.items[dropped:])
        if self._plan.adaptive:
            page = self._inside_part(page)
        self._produced += len(page.items)
        return PageItem(self.index, str(self.transaction_id), page, first_index + dropped, self._drop == 0)

    def _inside_part(self, page: Page[Any, RecordT]) -> Page[Any, RecordT]:
        """The page's records inside the part's interval, the last of the part once some lie past its end;
        tells the splitter what the page showed, which may cut the part (see `_adaptive`)."""
        interval, descending = self._plan.interval(self.index), self._plan.descending
        dates = [self._reader.event_date(record) for record in page.items]
        inside = records_inside(dates, interval, descending, self._previous)
        self._previous = dates[-1] if dates else self._previous
        ends = page.last or inside < len(dates)
        if self._splitter is not None:
            known = [moment for moment in dates[:inside] if moment is not None]  # all (records_inside checked)
            self._splitter.after_page(
                self.index,
                interval,
                known,
                fresh=self._fresh,
                ends=ends,
                descending=descending,
                page_size=self.settings.page_size,
            )
            self._fresh = False
        if not ends:
            return page
        return replace(page, items=page.items[:inside], last=True, next_cursor=None)

    def _measured(self, created: bool) -> None:
        """Tells the splitter what this query took to be ready (its creation and polls)."""
        if created and self._splitter is not None:
            self._splitter.measured(1 + self._polls)

    @contextmanager
    def _forget_if_failed(self) -> Iterator[None]:
        """A query that ended Failed or Cancelled is taken out of the checkpoint (see the module)."""
        try:
            yield
        except WaitFailedError:
            if self.transaction_id is not None:
                self._plan.forget_transaction(self.index, self.transaction_id)
            raise

    @contextmanager
    def _rerun_if_vanished(self) -> Iterator[None]:
        """When the query has vanished (404), prepares to run it again from its start, dropping what was
        produced; raises when it already was run again, or was never created."""
        try:
            yield
        except NotFoundError:
            if self._ran_again or self.transaction_id is None:
                raise
            self._ran_again = True
            self._events.query_rerun(self.index, self.transaction_id)
            self._drop = self._produced
            self.transaction_id, self.status, self._cursor, self._skip = None, None, None, 0
            self._previous, self._fresh = None, False


class SubQueryRun(SubQueryRunBase[RecordT]):
    """A sub-query's run with blocking calls."""

    #: How it waits between status polls (a worker thread's wait ends early when its export stops).
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _poll(self) -> AuditQueryExecutionStatusResponse:
        options = self.settings.request_options
        return self._polled(_status.sync(str(self.transaction_id), client=self.client, request_options=options))

    def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        while self.status is None:
            with self._rerun_if_vanished():
                created = None  # a query created now may be final already: then nothing is polled
                if self.transaction_id is None:
                    body, options = self._plan.request(self.index), self.settings.request_options
                    created = _query.sync(client=self.client, body=body, request_options=options)
                    self._created(created)
                with self._forget_if_failed():
                    self._polls = 0
                    self.status = wait_for_state(
                        self._poll, initial=created, sleep=self.sleep, **self._wait_arguments()
                    )
                self._measured(created is not None)
        return str(self.transaction_id)

    def items(self) -> Generator[PageItem[RecordT] | PartEnd, None, None]:
        """Every remaining page as an item, then the sub-query's end."""
        while True:
            pages = self._reader.pages(self.client, self.start(), self.settings, self._cursor, self._skip)
            with self._rerun_if_vanished():
                for page in pages.detailed_pages():
                    item = self._item(page)
                    yield item
                    if item.page.last:  # the pager's, or the part's interval ends within the query's
                        break
                break
        yield PartEnd(self.index)


class AsyncSubQueryRun(SubQueryRunBase[RecordT]):
    """A sub-query's run for asyncio; cancelling the task stops it."""

    async def _poll(self) -> AuditQueryExecutionStatusResponse:
        options = self.settings.request_options
        return self._polled(
            await _status.asyncio(str(self.transaction_id), client=self.client, request_options=options)
        )

    async def start(self) -> str:
        """Creates the query if needed and waits until it has succeeded; returns its transaction id."""
        while self.status is None:
            with self._rerun_if_vanished():
                created = None  # a query created now may be final already: then nothing is polled
                if self.transaction_id is None:
                    body, options = self._plan.request(self.index), self.settings.request_options
                    created = await _query.asyncio(client=self.client, body=body, request_options=options)
                    self._created(created)
                with self._forget_if_failed():
                    self._polls = 0
                    self.status = await wait_for_state_async(self._poll, initial=created, **self._wait_arguments())
                self._measured(created is not None)
        return str(self.transaction_id)

    async def items(self) -> AsyncGenerator[PageItem[RecordT] | PartEnd, None]:
        """Every remaining page as an item, then the sub-query's end."""
        while True:
            pages = self._reader.pages_async(self.client, await self.start(), self.settings, self._cursor, self._skip)
            with self._rerun_if_vanished():
                async for page in pages.detailed_pages():
                    item = self._item(page)
                    yield item
                    if item.page.last:  # the pager's, or the part's interval ends within the query's
                        break
                break
        yield PartEnd(self.index)
