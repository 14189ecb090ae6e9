"""The plan of an export: the query and its sub-intervals, as the checkpoint an export starts from.

A one-query export has one part, the whole interval. A split export cuts a long interval into disjoint,
consecutive sub-intervals of one span each (the last may be shorter), each its own audit query; given a
checkpoint, the plan is that checkpoint, once it is shown to be for the same export. The number of
sub-queries is counted, and checked against a cap, before any of them is made. An adaptive plan
(`span="auto"`) starts as one part over the whole interval, sorted by timestamp, which the export cuts
as its pages show where the records are (see `_adaptive`); its checkpoint holds the parts chosen so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from .._core._errors import ConfigurationError, DecodingError
from ..models.audit_query_execution_status_response import AuditQueryExecutionStatusResponse
from ..models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from ._checkpoint import QUERY, ExportCheckpoint, PartCheckpoint, decode, encode
from ._errors import CheckpointError, IntervalError
from ._limits import AUTO, MAX_SUB_QUERIES
from ._query_args import (
    FiltersArg,
    IntervalArg,
    SortArg,
    build_sort,
    format_instant,
    format_interval,
    interval_bounds,
    query_fields,
)

__all__: list[str] = []

SpanArg = timedelta | str

_MILLISECOND = timedelta(milliseconds=1)


class TooManySubQueriesError(ConfigurationError):
    """A split export would make more sub-queries than its cap allows."""

    def __init__(self, count: int, cap: int) -> None:
        self.count = count
        self.cap = cap
        super().__init__(
            f"the span cuts the interval into {count:,} sub-queries, more than the cap of {cap:,} "
            "(max_sub_queries); use a longer span, or raise the cap"
        )


def sub_query_count(interval: IntervalArg, span: timedelta) -> int:
    """How many sub-queries of `span` cover `interval` (counted, not made)."""
    if not isinstance(span, timedelta) or span < _MILLISECOND or span % _MILLISECOND:
        raise ConfigurationError(f"span must be a whole number of milliseconds, at least one, not {span!r}")
    start, end = interval_bounds(interval)
    return -(-(end - start) // span)


def split_interval(interval: IntervalArg, span: timedelta, max_parts: int = MAX_SUB_QUERIES) -> list[str]:
    """`interval` cut into consecutive `start/end` sub-intervals of `span` (the last may be shorter);
    TooManySubQueriesError, before any is made, when there would be more than `max_parts`."""
    count = sub_query_count(interval, span)
    if count > max_parts:
        raise TooManySubQueriesError(count, max_parts)
    start, end = interval_bounds(interval)
    parts: list[str] = []
    while start < end:
        stop = end if end - start <= span else start + span  # never past the end: it may be the last instant
        parts.append(f"{format_instant(start)}/{format_instant(stop)}")
        start = stop
    return parts


def load_checkpoint(checkpoint: ExportCheckpoint | str) -> ExportCheckpoint:
    """A checkpoint given as the object or its JSON, validated either way; only an audit query export's
    will do."""
    if isinstance(checkpoint, str):
        loaded = ExportCheckpoint.from_json(checkpoint)
    elif isinstance(checkpoint, ExportCheckpoint):
        loaded = decode(encode(checkpoint))[0]  # an object made by hand is checked like a file
    else:
        raise CheckpointError(f"checkpoint must be an ExportCheckpoint or its JSON, not {type(checkpoint).__name__}")
    if loaded.kind != QUERY:
        raise CheckpointError(f"the checkpoint is of a {loaded.kind} export, not of an audit query export")
    return loaded


def one_query_plan(
    interval: IntervalArg, service_name: str | None, filters: FiltersArg, sort: SortArg
) -> ExportCheckpoint:
    """The plan of one audit query over the whole interval."""
    return ExportCheckpoint(query_fields(service_name, filters, sort), (PartCheckpoint(format_interval(interval)),))


def existing_query_plan(status: AuditQueryExecutionStatusResponse) -> ExportCheckpoint:
    """The plan of reading an audit query that already exists, from its status: its transaction id, and
    its interval and fields (to run it again should it vanish)."""
    fields = status.to_dict()
    if not isinstance(status.id, str) or not status.id or not isinstance(status.interval, str):
        missing = "id" if not isinstance(status.id, str) or not status.id else "interval"
        raise DecodingError("required field is missing", model="AuditQueryExecutionStatusResponse", field=missing)
    try:
        interval = format_interval(status.interval)
    except IntervalError as error:
        raise DecodingError(str(error), model="AuditQueryExecutionStatusResponse", field="interval") from None
    query = {key: fields[key] for key in ("serviceName", "filters", "sort") if key in fields}
    return ExportCheckpoint(query, (PartCheckpoint(interval, transaction_id=status.id),))


def query_descending(query: Mapping[str, Any]) -> bool:
    """Whether a query's fields (as the API spells them) sort its records latest first."""
    keys = query.get("sort")
    return (
        isinstance(keys, list) and bool(keys) and isinstance(keys[0], dict) and keys[0].get("sortOrder") == "descending"
    )


def _descending(sort: SortArg) -> bool:
    keys = build_sort(sort) or []
    return bool(keys) and keys[0].sort_order == AuditQuerySortSortOrder.DESCENDING


def check_same_export(saved: ExportCheckpoint, expected: ExportCheckpoint) -> ExportCheckpoint:
    """`saved` when it is a checkpoint of the export `expected` plans (same query, same sub-intervals)."""
    if saved.adaptive:
        raise CheckpointError("the checkpoint is of an adaptive export (auto), not of one split by a fixed span")
    if dict(saved.query) != dict(expected.query) or saved.kind != expected.kind:
        raise CheckpointError("the checkpoint is for a different export (its service, filters or sort differ)")
    if [part.interval for part in saved.parts] != [part.interval for part in expected.parts]:
        raise CheckpointError("the checkpoint is for a different export (its interval or span differs)")
    return saved


def check_same_adaptive(saved: ExportCheckpoint, expected: ExportCheckpoint) -> ExportCheckpoint:
    """`saved` when it is a checkpoint of the adaptive export `expected` plans: the same query, and parts
    that follow one another, without gap or overlap, across its interval in hand-out order."""
    if not saved.adaptive:
        raise CheckpointError("the checkpoint is of an export split by a fixed span, not of an adaptive one (auto)")
    if dict(saved.query) != dict(expected.query) or saved.kind != expected.kind:
        raise CheckpointError("the checkpoint is for a different export (its service, filters or sort differ)")
    bounds = [interval_bounds(part.interval) for part in saved.parts]
    if query_descending(expected.query):
        bounds.reverse()
    start, end = interval_bounds(expected.parts[0].interval)
    edges = [start] + [stop for _, stop in bounds]
    if [begin for begin, _ in bounds] + [end] != edges:
        raise CheckpointError("the checkpoint is for a different export (its parts do not cover its interval)")
    return saved


def auto_plan(
    interval: IntervalArg,
    service_name: str | None,
    filters: FiltersArg,
    sort: SortArg,
    checkpoint: ExportCheckpoint | str | None,
) -> ExportCheckpoint:
    """The adaptive plan: one part over the whole interval, sorted by timestamp (ascending unless `sort`
    says descending), or `checkpoint` when it is of the same adaptive export."""
    start, end = interval_bounds(interval)
    fields = query_fields(service_name, filters, sort if build_sort(sort) else "ascending")
    whole = PartCheckpoint(f"{format_instant(start)}/{format_instant(end)}")
    plan = ExportCheckpoint(fields, (whole,), adaptive=True)
    if checkpoint is None:
        return plan
    return check_same_adaptive(load_checkpoint(checkpoint), plan)


def split_plan(
    interval: IntervalArg,
    span: SpanArg,
    service_name: str | None,
    filters: FiltersArg,
    sort: SortArg,
    checkpoint: ExportCheckpoint | str | None,
    max_parts: int = MAX_SUB_QUERIES,
) -> ExportCheckpoint:
    """The sub-queries of a split export in the order their records come out (reversed for a descending
    sort), or `checkpoint` when it is for the same interval, span and query; for `span="auto"`, the
    adaptive plan."""
    if isinstance(span, str):
        if span != AUTO:
            raise ConfigurationError(f'span must be a timedelta or "auto", not {span!r}')
        return auto_plan(interval, service_name, filters, sort, checkpoint)
    intervals = split_interval(interval, span, max_parts)
    if _descending(sort):
        intervals.reverse()
    plan = ExportCheckpoint(
        query_fields(service_name, filters, sort), tuple(PartCheckpoint(part) for part in intervals)
    )
    if checkpoint is None:
        return plan
    return check_same_export(load_checkpoint(checkpoint), plan)
