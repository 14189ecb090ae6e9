"""Turns the convenient arguments of the audit helpers into request fields, checking them first.

Nothing here sends a request: every argument is checked before the first call goes out.

The interval rule, the same for Python and the command line: an interval is a (start, end) pair of
aware datetimes, or an ISO-8601 `start/end` string whose date-times carry a time zone (`Z` or an
offset such as `+02:00`); a naive instant is refused, never guessed, and the end must come after the
start. A single query also accepts an ISO-8601 duration for one side (`P7D/2026-11-08T00:00:00Z`),
which Genesys resolves; a split export needs two date-times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

from .._core._client import RequestOptions
from .._core._errors import ConfigurationError
from .._core._waiter import WaitPolicy
from ..models.audit_expand_field import AuditExpandField
from ..models.audit_query_filter import AuditQueryFilter
from ..models.audit_query_filter_property import AuditQueryFilterProperty
from ..models.audit_query_request import AuditQueryRequest
from ..models.audit_query_sort import AuditQuerySort
from ..models.audit_query_sort_name import AuditQuerySortName
from ..models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from ..types import UNSET, Unset
from ._errors import IntervalError

__all__ = ["FiltersArg", "IntervalArg", "SortArg"]

MAX_PAGE_SIZE = 500

IntervalArg: TypeAlias = str | tuple[datetime, datetime]
FiltersArg: TypeAlias = (
    Mapping[str, str] | Iterable[AuditQueryFilter | tuple[str | AuditQueryFilterProperty, str]] | None
)
SortArg: TypeAlias = str | AuditQuerySortSortOrder | AuditQuerySort | Iterable[AuditQuerySort] | None

_SORT_ALIASES = {"asc": "ascending", "desc": "descending"}


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


def _halves(text: str) -> tuple[datetime | None, datetime | None]:
    """The instants of a `start/end` string (None for a duration half), checked in order when both are."""
    halves = text.strip().split("/")
    if len(halves) != 2 or not all(half.strip() for half in halves):
        raise IntervalError(f"{text!r} is not an ISO-8601 interval of the form start/end")
    start, end = (_parse_instant(half.strip()) for half in halves)
    if start is not None and end is not None:
        _check_order(start, end)
    return start, end


def _pair(interval: object) -> tuple[datetime, datetime] | None:
    if isinstance(interval, tuple) and len(interval) == 2 and all(isinstance(m, datetime) for m in interval):
        for moment in interval:
            format_instant(moment)  # refuses a naive datetime
        _check_order(interval[0], interval[1])
        return interval[0], interval[1]
    return None


_WRONG_TYPE = "interval must be a 'start/end' string or a (start, end) pair of aware datetimes"


def interval_bounds(interval: IntervalArg) -> tuple[datetime, datetime]:
    """The aware start and end of an interval given as a (start, end) pair or a `start/end` string."""
    if isinstance(interval, str):
        start, end = _halves(interval)
        if start is None or end is None:
            raise IntervalError(f"{interval!r} uses an ISO-8601 duration; give two date-times to split it")
        return start, end
    pair = _pair(interval)
    if pair is None:
        raise IntervalError(_WRONG_TYPE)
    return pair


def format_interval(interval: IntervalArg) -> str:
    """The ISO-8601 `start/end` text for a pair of aware datetimes, or a checked `start/end` string."""
    if isinstance(interval, str):
        _halves(interval)
        return interval.strip()
    pair = _pair(interval)
    if pair is None:
        raise IntervalError(_WRONG_TYPE)
    return f"{format_instant(pair[0])}/{format_instant(pair[1])}"


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


def check_count(name: str, value: int, minimum: int = 1, maximum: int | None = None) -> int:
    """`value` when it is an integer (not a bool) from `minimum` to `maximum`; ConfigurationError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (maximum and value > maximum):
        span = f"from {minimum} to {maximum}" if maximum else f"of at least {minimum}"
        raise ConfigurationError(f"{name} must be an integer {span}, not {value!r}")
    return value


def query_fields(service_name: str | None, filters: FiltersArg, sort: SortArg) -> dict[str, Any]:
    """The fields of an audit query other than its interval, as the API spells them (checked first)."""
    if service_name is not None and not isinstance(service_name, str):
        raise ConfigurationError(f"service_name must be a string, not {service_name!r}")
    request = AuditQueryRequest(
        interval="",
        service_name=UNSET if service_name is None else service_name,
        filters=build_filters(filters) or UNSET,
        sort=build_sort(sort) or UNSET,
    )
    fields = request.to_dict()
    del fields["interval"]
    return fields


@dataclass(frozen=True)
class ReadSettings:
    """How an export reads its queries: records per page, user expansion, how to wait, per-call options.

    Checked when made, so a bad value is refused before any request is sent.
    """

    page_size: int = MAX_PAGE_SIZE
    expand_user: bool = False
    wait_policy: WaitPolicy | None = None
    request_options: RequestOptions | None = None

    def __post_init__(self) -> None:
        check_count("page_size", self.page_size, 1, MAX_PAGE_SIZE)
        if not isinstance(self.expand_user, bool):
            raise ConfigurationError(f"expand_user must be True or False, not {self.expand_user!r}")
        if self.wait_policy is not None and not isinstance(self.wait_policy, WaitPolicy):
            raise ConfigurationError(f"wait_policy must be a WaitPolicy, not {self.wait_policy!r}")
        if self.request_options is not None and not isinstance(self.request_options, RequestOptions):
            raise ConfigurationError(f"request_options must be a RequestOptions, not {self.request_options!r}")

    @property
    def expand(self) -> list[AuditExpandField] | Unset:
        return [AuditExpandField.USER] if self.expand_user else UNSET
