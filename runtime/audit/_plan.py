"""The plan of an export: the query and its sub-intervals, as the checkpoint an export starts from.

A one-query export has one part, the whole interval. A split export cuts a long interval into disjoint,
consecutive sub-intervals of one span each (the last may be shorter), each its own audit query; given a
checkpoint, the plan is that checkpoint, once it is shown to be for the same export.
"""

from __future__ import annotations

from datetime import timedelta

from .._core._errors import ConfigurationError
from ..models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from ._checkpoint import QUERY, ExportCheckpoint, PartCheckpoint, decode, encode
from ._errors import CheckpointError
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

_MILLISECOND = timedelta(milliseconds=1)


def split_interval(interval: IntervalArg, span: timedelta) -> list[str]:
    """`interval` cut into consecutive `start/end` sub-intervals of `span` (the last may be shorter)."""
    if not isinstance(span, timedelta) or span < _MILLISECOND or span % _MILLISECOND:
        raise ConfigurationError(f"span must be a whole number of milliseconds, at least one, not {span!r}")
    start, end = interval_bounds(interval)
    parts: list[str] = []
    while start < end:
        stop = min(start + span, end)
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


def _descending(sort: SortArg) -> bool:
    keys = build_sort(sort) or []
    return bool(keys) and keys[0].sort_order == AuditQuerySortSortOrder.DESCENDING


def split_plan(
    interval: IntervalArg,
    span: timedelta,
    service_name: str | None,
    filters: FiltersArg,
    sort: SortArg,
    checkpoint: ExportCheckpoint | str | None,
) -> ExportCheckpoint:
    """The sub-queries of a split export in the order their records come out (reversed for a descending
    sort), or `checkpoint` when it is for the same interval, span and query."""
    intervals = split_interval(interval, span)
    if _descending(sort):
        intervals.reverse()
    query = query_fields(service_name, filters, sort)
    if checkpoint is None:
        return ExportCheckpoint(query, tuple(PartCheckpoint(part) for part in intervals))
    saved = load_checkpoint(checkpoint)
    if dict(saved.query) != query or [part.interval for part in saved.parts] != intervals:
        raise CheckpointError("the checkpoint is for a different export (interval, span, filters or sort differ)")
    return saved
