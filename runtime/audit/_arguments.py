"""The arguments of the one-call helpers, written once and checked once.

Each kind of call (a query, a resumption, a split export, a realtime query) has one signature function
that checks every argument and returns an `ExportArguments`; `one_call` gives that signature (and its
documentation) to the sync and the async helper built on it, which only choose the export class.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ParamSpec, TypeVar

from .._core._client import RequestOptions
from .._core._errors import ConfigurationError
from .._core._waiter import WaitPolicy
from ..client import Client
from ._checkpoint import REALTIME, ExportCheckpoint, PartCheckpoint
from ._plan import load_checkpoint, one_query_plan, split_plan
from ._query_args import (
    MAX_PAGE_SIZE,
    FiltersArg,
    IntervalArg,
    ReadSettings,
    SortArg,
    check_count,
    format_interval,
    query_fields,
)

__all__: list[str] = []

P = ParamSpec("P")
R = TypeVar("R")


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

    def __post_init__(self) -> None:
        check_count("concurrency", self.concurrency)
        check_count("buffer_pages", self.buffer_pages)
        if not isinstance(self.ordered, bool):
            raise ConfigurationError(f"ordered must be True or False, not {self.ordered!r}")


def one_call(signature: Callable[P, ExportArguments]) -> Callable[[Callable[[ExportArguments], R]], Callable[P, R]]:
    """Makes a helper taking `signature`'s parameters from a function of the checked arguments."""

    def decorate(build: Callable[[ExportArguments], R]) -> Callable[P, R]:
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

    Raises (before any request): IntervalError for a bad interval; ConfigurationError for other bad
    arguments. While iterating: WaitFailedError, WaitTimeoutError and the client's API errors.
    """
    return ExportArguments(
        client,
        one_query_plan(interval, service_name, filters, sort),
        ReadSettings(page_size, expand_user, wait_policy, request_options),
    )


def resume(
    client: Client,
    checkpoint: ExportCheckpoint | str,
    *,
    expand_user: bool = False,
    page_size: int = MAX_PAGE_SIZE,
    wait_policy: WaitPolicy | None = None,
    request_options: RequestOptions | None = None,
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
    return ExportArguments(client, load_checkpoint(checkpoint), settings)


def split(
    client: Client,
    *,
    interval: IntervalArg,
    span: timedelta = timedelta(days=1),
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
) -> ExportArguments:
    """Args:
        interval: A (start, end) pair of aware datetimes or an ISO-8601 `start/end` string of two
            date-times with a time zone.
        span: The length of each sub-interval (the last may be shorter).
        concurrency: Sub-queries run at once (worker threads, or tasks for the async form).
        ordered: Yield in interval order (eventDate order for a timestamp sort); False: as pages arrive.
        checkpoint: An `ExportCheckpoint` (or its JSON) of an interrupted export with the same
            arguments; the export yields exactly the records not yielded before it.
        buffer_pages: Pages each sub-query may fetch ahead of the consumer (ordered), or per worker.
        The other arguments are those of `query_audits`, applied to every sub-query.

    Raises (before any request): IntervalError, CheckpointError, ConfigurationError. While iterating:
    the errors of `query_audits` (the export stops at the first).
    """
    return ExportArguments(
        client,
        split_plan(interval, span, service_name, filters, sort, checkpoint),
        ReadSettings(page_size, expand_user, wait_policy, request_options),
        concurrency,
        ordered,
        buffer_pages,
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
