"""Turns the convenient arguments of the one-call audit helpers into request fields, checking them first.

Nothing here sends a request: every argument is checked before the first call goes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TypeAlias

from .._core._errors import ConfigurationError
from ..models.audit_query_filter import AuditQueryFilter
from ..models.audit_query_filter_property import AuditQueryFilterProperty
from ..models.audit_query_sort import AuditQuerySort
from ..models.audit_query_sort_name import AuditQuerySortName
from ..models.audit_query_sort_sort_order import AuditQuerySortSortOrder

__all__ = ["FiltersArg", "IntervalArg", "IntervalError", "SortArg"]

IntervalArg: TypeAlias = str | tuple[datetime, datetime]
FiltersArg: TypeAlias = (
    Mapping[str, str] | Iterable[AuditQueryFilter | tuple[str | AuditQueryFilterProperty, str]] | None
)
SortArg: TypeAlias = str | AuditQuerySortSortOrder | AuditQuerySort | Iterable[AuditQuerySort] | None

_SORT_ALIASES = {"asc": "ascending", "desc": "descending"}


class IntervalError(ConfigurationError):
    """An audit query interval that is malformed, naive (no time zone) or ends before it starts."""


def format_instant(moment: datetime) -> str:
    """`moment` in UTC as Genesys writes instants: YYYY-MM-DDTHH:MM:SS.mmmZ."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise IntervalError(f"{moment.isoformat()} has no time zone; give an aware datetime (e.g. tzinfo=UTC)")
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _parse_instant(text: str) -> datetime | None:
    """The instant `text` names, or None for an ISO-8601 duration (which Genesys also accepts)."""
    if text.startswith("P"):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise IntervalError(f"{text!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise IntervalError(f"{text!r} has no time zone; end it with Z or an offset")
    return moment


def _check_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise IntervalError(f"the interval ends ({end.isoformat()}) before it starts ({start.isoformat()})")


def interval_bounds(interval: IntervalArg) -> tuple[datetime, datetime]:
    """The aware start and end of an interval given as a (start, end) pair or a `start/end` string."""
    if isinstance(interval, str):
        halves = interval.strip().split("/")
        if len(halves) != 2 or not all(halves):
            raise IntervalError(f"{interval!r} is not an ISO-8601 interval of the form start/end")
        start, end = (_parse_instant(half.strip()) for half in halves)
        if start is None or end is None:
            raise IntervalError(f"{interval!r} uses an ISO-8601 duration; give two date-times to split it")
    elif isinstance(interval, tuple) and len(interval) == 2 and all(isinstance(m, datetime) for m in interval):
        start, end = interval
        for moment in interval:
            format_instant(moment)  # refuses a naive datetime
    else:
        raise IntervalError("interval must be a 'start/end' string or a (start, end) pair of aware datetimes")
    _check_order(start, end)
    return start, end


def format_interval(interval: IntervalArg) -> str:
    """The ISO-8601 `start/end` text for a pair of aware datetimes, or a checked `start/end` string."""
    if isinstance(interval, str):
        halves = interval.strip().split("/")
        if len(halves) != 2 or not all(halves):
            raise IntervalError(f"{interval!r} is not an ISO-8601 interval of the form start/end")
        start, end = (_parse_instant(half) for half in halves)
        if start is not None and end is not None:
            _check_order(start, end)
        return interval.strip()
    if isinstance(interval, tuple) and len(interval) == 2 and all(isinstance(m, datetime) for m in interval):
        start_text, end_text = format_instant(interval[0]), format_instant(interval[1])
        _check_order(interval[0], interval[1])
        return f"{start_text}/{end_text}"
    raise IntervalError("interval must be a 'start/end' string or a (start, end) pair of aware datetimes")


def _filter_property(name: str | AuditQueryFilterProperty) -> AuditQueryFilterProperty:
    if isinstance(name, AuditQueryFilterProperty):
        return name
    for member in AuditQueryFilterProperty:
        if member.value.lower() == name.lower():
            return member
    return AuditQueryFilterProperty.decode(name)  # a property this spec does not list yet, sent verbatim


def build_filters(filters: FiltersArg) -> list[AuditQueryFilter] | None:
    """AuditQueryFilter models from a mapping, (property, value) pairs or models (None: no filter)."""
    if filters is None:
        return None
    pairs = filters.items() if isinstance(filters, Mapping) else filters
    built: list[AuditQueryFilter] = []
    for entry in pairs:
        if isinstance(entry, AuditQueryFilter):
            built.append(entry)
            continue
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str)):
            raise ConfigurationError(f"a filter must be (property, value) or an AuditQueryFilter, not {entry!r}")
        built.append(AuditQueryFilter(property_=_filter_property(entry[0]), value=entry[1]))
    return built or None


def _sort_order(order: str | AuditQuerySortSortOrder) -> AuditQuerySortSortOrder:
    if isinstance(order, AuditQuerySortSortOrder):
        return order
    text = _SORT_ALIASES.get(order.strip().lower(), order.strip().lower())
    try:
        return AuditQuerySortSortOrder(text)
    except ValueError:
        raise ConfigurationError(f"sort must be 'ascending' or 'descending', not {order!r}") from None


def build_sort(sort: SortArg) -> list[AuditQuerySort] | None:
    """Sort keys from a direction ('ascending', 'descending', by timestamp) or AuditQuerySort models."""
    if sort is None:
        return None
    if isinstance(sort, str | AuditQuerySortSortOrder):
        return [AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=_sort_order(sort))]
    if isinstance(sort, AuditQuerySort):
        return [sort]
    keys = list(sort)
    if not all(isinstance(key, AuditQuerySort) for key in keys):
        raise ConfigurationError("sort must be a direction or AuditQuerySort models")
    return keys or None


def check_page_size(page_size: int, maximum: int = 500) -> int:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= maximum:
        raise ConfigurationError(f"page_size must be an integer from 1 to {maximum}, not {page_size!r}")
    return page_size
