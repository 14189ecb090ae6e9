"""The arguments of the one-call helpers, written once and checked once.

Each kind of call (a query, a resumption, a split export, a realtime query, related audits) has one
signature function that checks every argument and returns an argument object (`ExportArguments`, or
`RelatedArguments`); `one_call` gives that signature (and its documentation) to the sync and the async
helper built on it, which only choose what to do with the checked arguments.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from .._core._client import RequestOptions
from .._core._errors import ConfigurationError
from .._core._waiter import WaitPolicy
from ..client import Client
from ..models.audit_realtime_related_request import AuditRealtimeRelatedRequest
from ..types import UNSET
from ._checkpoint import REALTIME, ExportCheckpoint, PartCheckpoint
from ._errors import CheckpointError
from ._limits import MAX_SUB_QUERIES
from ._plan import SpanArg, load_checkpoint, one_query_plan, split_plan
from ._progress import ProgressCallback
from ._query_args import (
    MAX_PAGE_SIZE,
    FiltersArg,
    IntervalArg,
    ReadSettings,
    SortArg,
    build_sort,
    check_count,
    format_interval,
    query_fields,
)

__all__: list[str] = []

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")


@dataclass(frozen=True)
class ExportArguments:
    """Everything an export needs, checked: the client, the plan (the checkpoint it starts from), how
    it reads, and for a split export how many sub-queries run at once, in what order, how far ahead."""

    client: Client
    plan: ExportCheckpoint
    settings: ReadSettings
    concurrency: int = 1
    ordered: bool = True
    buffer_pages: int = 2
    progress: ProgressCallback | None = None
    max_sub_queries: int = MAX_SUB_QUERIES

    def __post_init__(self) -> None:
        check_count("concurrency", self.concurrency)
        check_count("buffer_pages", self.buffer_pages)
        if not isinstance(self.ordered, bool):
            raise ConfigurationError(f"ordered must be True or False, not {self.ordered!r}")
        if self.progress is not None and not callable(self.progress):
            raise ConfigurationError(f"progress must be a callable taking an ExportProgress, not {self.progress!r}")
        check_page_positions(self.plan, self.settings.page_size)


def check_page_positions(plan: ExportCheckpoint, page_size: int, origin: str = "checkpoint") -> None:
    """Refuses a checkpoint that skips a whole page or more of records: pages hold at most `page_size`
    (the realtime query's own page size), so such a skip would drop records unseen."""
    size = plan.query.get("pageSize", page_size) if plan.kind == REALTIME else page_size
    for index, part in enumerate(plan.parts):
        if part.skip >= size:
            raise CheckpointError(
                f"{origin}: /parts/{index}/skip: {part.skip} records skipped of a page of at most {size}"
                " (the page size): not a position this export can have reached"
            )


def one_call(signature: Callable[P, A]) -> Callable[[Callable[[A], R]], Callable[P, R]]:
    """Makes a helper taking `signature`'s parameters from a function of the checked arguments."""

    def decorate(build: Callable[[A], R]) -> Callable[P, R]:
        @functools.wraps(build)
        def helper(*args: P.args, **kwargs: P.kwargs) -> R:
            return build(signature(*args, **kwargs))

        returns = inspect.signature(build).return_annotation
        helper.__signature__ = inspect.signature(signature).replace(return_annotation=returns)  # type: ignore[attr-defined]
        helper.__doc__ = f"{inspect.cleandoc(build.__doc__ or '')}\n\n{inspect.cleandoc(signature.__doc__ or '')}"
        del helper.__wrapped__  # help() shows the signature above, not build's
        return helper

    return decorate


def query(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = False,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ExportArguments:
    """Args:
        client: The client to call with (its retries, rate limit and token renewal apply to every call).
        interval: A (start, end) pair of aware datetimes or an ISO-8601 `start/end` string whose
            date-times carry a time zone; a naive instant is refused.
        service_name: The service whose audits to return.
        filters: ``{"Action": "Delete"}``, ``[("EntityType", "User")]`` or AuditQueryFilter models.
        sort: ``"ascending"`` / ``"descending"`` by timestamp, or AuditQuerySort models.
        expand_user: Expand each record's user in place (off by default, as in the API and the CLI).
        page_size: Records per results page (1 to 500).
        wait_policy: How to poll the query's state, and for how long at most.
        request_options: Per-call retry, deadline and timeout settings.
        progress: Called with an `ExportProgress` as the query is created and polled, after each page and
            at the end (calls never overlap; see `ExportProgress`).

    Raises (before any request): IntervalError for a bad interval; ConfigurationError for other bad
    arguments. While iterating: WaitFailedError, WaitTimeoutError and the client's API errors.
    """
    return ExportArguments(
        client,
        one_query_plan(interval, service_name, filters, sort),
        ReadSettings(page_size, expand_user, wait_policy, request_options),
        progress=progress,
    )


def resume(
    client: Client,
    checkpoint: ExportCheckpoint | str,
    *,
    expand_user: bool = False,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ExportArguments:
    """Args:
        client: The client to call with.
        checkpoint: An `ExportCheckpoint` (or its JSON) of a one-query or split export; the records
            not handed out before it come out, sub-query after sub-query.
        The other arguments are those of `query_audits`.

    Raises (before any request): CheckpointError for a checkpoint that cannot be resumed (the message
    names the field); ConfigurationError for other bad arguments.
    """
    settings = ReadSettings(page_size, expand_user, wait_policy, request_options)
    return ExportArguments(client, load_checkpoint(checkpoint), settings, progress=progress)


def split(
    client: Client,
    *,
    interval: IntervalArg,
    span: SpanArg = "auto",
    concurrency: int = 8,
    ordered: bool = True,
    checkpoint: ExportCheckpoint | str | None = None,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = False,
    page_size: int = MAX_PAGE_SIZE,
    buffer_pages: int = 2,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
    progress: ProgressCallback | None = None,
    max_sub_queries: int = MAX_SUB_QUERIES,
) -> ExportArguments:
    """Args:
        interval: A (start, end) pair of aware datetimes or an ISO-8601 `start/end` string of two
            date-times with a time zone.
        span: ``"auto"`` (the default): start with one query over the whole interval and cut the rest of
            it into sub-queries as its pages show it is dense enough to pay for them (a sparse interval
            stays one query); records come out sorted by timestamp, ascending unless `sort` says
            descending. Or a timedelta: the length of each sub-interval (the last may be shorter).
        concurrency: Sub-queries run at once (worker threads, or tasks for the async form).
        ordered: Yield in interval order (eventDate order for a timestamp sort); False: as pages arrive.
        checkpoint: An `ExportCheckpoint` (or its JSON) of an interrupted export with the same
            arguments; the export yields exactly the records not yielded before it.
        buffer_pages: Pages fetched ahead of the consumer, per worker: at most `buffer_pages` x
            `concurrency` in all, given first (when ordered) to the sub-queries that come out next.
        progress: As for `query_audits`; the calls about queries come from the worker threads.
        max_sub_queries: The most sub-queries the span may cut the interval into (counted before any
            is planned; each costs at least three requests); an adaptive plan never grows past it.
        The other arguments are those of `query_audits`, applied to every sub-query.

    Raises (before any request): IntervalError, CheckpointError, ConfigurationError (also for a span
    that makes more than `max_sub_queries`). While iterating: the errors of `query_audits` (the export
    stops at the first).
    """
    cap = check_count("max_sub_queries", max_sub_queries)
    return ExportArguments(
        client,
        split_plan(interval, span, service_name, filters, sort, checkpoint, cap),
        ReadSettings(page_size, expand_user, wait_policy, request_options),
        concurrency,
        ordered,
        buffer_pages,
        progress,
        cap,
    )


def realtime(
    client: Client,
    *,
    interval: IntervalArg,
    service_name: str | None = None,
    filters: FiltersArg = None,
    sort: SortArg = None,
    expand_user: bool = False,
    page_size: int = MAX_PAGE_SIZE,
    page_number: int = 1,
    skip: int = 0,
    request_options: RequestOptions | None = None,
) -> ExportArguments:
    """Args:
        interval, service_name, filters, sort, expand_user, page_size, request_options: as for
            `query_audits` (a realtime query reaches back only a few days).
        page_number, skip: Where to resume: the pager's `page_number` and `skip`.

    Raises (before any request): IntervalError, ConfigurationError.
    """
    fields = {**query_fields(service_name, filters, sort), "pageSize": check_count("page_size", page_size, 1, 500)}
    part = PartCheckpoint(
        format_interval(interval),
        page_number=check_count("page_number", page_number),
        skip=check_count("skip", skip, 0),
    )
    settings = ReadSettings(page_size, expand_user, None, request_options)
    return ExportArguments(client, ExportCheckpoint(fields, (part,), REALTIME), settings)


@dataclass(frozen=True)
class RelatedArguments:
    """A related-audits request, checked: the client, the request body and how to read the records."""

    client: Client
    body: AuditRealtimeRelatedRequest
    settings: ReadSettings


def _identifier(name: str, value: object, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or value != value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string without surrounding spaces, not {value!r}")
    return value


def related(
    client: Client,
    audit_id: str,
    *,
    trustor_org_id: str | None = None,
    sort: SortArg = None,
    expand_user: bool = False,
    request_options: RequestOptions | None = None,
) -> RelatedArguments:
    """Args:
        client: The client to call with.
        audit_id: The id of an audit record; the answer holds every record its action created, itself
            included.
        trustor_org_id: For a record of an action a trustee user performed, the trustor organization
            the record belongs to.
        sort: ``"ascending"`` / ``"descending"`` by timestamp, or AuditQuerySort models.
        expand_user: Expand each record's user in place (off by default).
        request_options: Per-call retry, deadline and timeout settings.

    Raises (before any request): ConfigurationError for a bad argument. Then the client's API errors
    (NotFoundError for an audit id the organization does not have).
    """
    checked_id = _identifier("audit_id", audit_id, required=True)
    trustor = _identifier("trustor_org_id", trustor_org_id, required=False)
    body = AuditRealtimeRelatedRequest(
        audit_id=checked_id or UNSET, trustor_org_id=trustor or UNSET, sort=build_sort(sort) or UNSET
    )
    return RelatedArguments(client, body, ReadSettings(expand_user=expand_user, request_options=request_options))
