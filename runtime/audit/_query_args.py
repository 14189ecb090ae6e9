"""Turns the convenient arguments of the audit helpers into request fields, checking them first.

Nothing here sends a request: every argument is checked before the first call goes out.

The interval rule, the same for Python and the command line: an interval is a (start, end) pair of
aware datetimes, or an ISO-8601 `start/end` string whose date-times carry a time zone (`Z` or an
offset such as `+02:00`); a naive instant is refused, never guessed, and the end must come after the
start. One side may be an ISO-8601 duration (`P7D/2026-11-08T00:00:00Z`, `2026-11-01T00:00:00Z/P1M`):
the client resolves it against the other side (months and years on the calendar, a day past the new
month's end becoming its last day), so every export, split ones too, sends two date-times. What is
sent is always RFC 3339 with a four-digit year: a string already in that form as given, anything else
(another ISO-8601 form, a datetime, a resolved duration) in UTC to the millisecond. An instant outside
the years 1 to 9999 in UTC, or a duration reaching past them, is an IntervalError like any other.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    """`moment` in UTC as Genesys writes instants (RFC 3339, four-digit year): YYYY-MM-DDTHH:MM:SS.mmmZ.

    A moment between two milliseconds is written as the next one: records carry milliseconds, so as a
    start or an end it selects the same records (the last millisecond there is stays the last)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise IntervalError(f"{moment.isoformat()} has no time zone; give an aware datetime (e.g. tzinfo=UTC)")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise IntervalError(f"{moment.isoformat()} is outside the years 1 to 9999 in UTC") from None
    if utc.microsecond % 1000:
        try:
            utc += timedelta(microseconds=1000 - utc.microsecond % 1000)
        except OverflowError:
            utc = utc.replace(microsecond=999_000)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}."
        f"{utc.microsecond // 1000:03d}Z"
    )


# A date-time already in the form sent as given: RFC 3339 with a four-digit year, `T`, seconds and a zone.
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
# An ISO-8601 duration: PnW, or PnYnMnDTnHnMnS with at least one part (seconds may have a decimal fraction).
_DURATION = re.compile(
    r"P(?:(?P<weeks>[0-9]{1,12})W|(?=[0-9]|T[0-9])(?:(?P<years>[0-9]{1,12})Y)?(?:(?P<months>[0-9]{1,12})M)?"
    r"(?:(?P<days>[0-9]{1,12})D)?(?:T(?=[0-9])(?:(?P<hours>[0-9]{1,12})H)?(?:(?P<minutes>[0-9]{1,12})M)?"
    r"(?:(?P<seconds>[0-9]{1,12}(?:[.,][0-9]{1,3})?)S)?)?)"
)
_DURATION_FORM = "PnYnMnDTnHnMnS or PnW, whole numbers, seconds to the millisecond (e.g. P7D, PT12H, P1M)"


@dataclass(frozen=True)
class Duration:
    """An ISO-8601 duration: calendar months (years are 12) and a fixed length."""

    months: int
    length: timedelta

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.fullmatch(text)
        if match is None:
            raise IntervalError(f"{text!r} is not an ISO-8601 duration ({_DURATION_FORM})")
        part = {name: value or "0" for name, value in match.groupdict().items()}
        try:
            length = timedelta(
                weeks=int(part["weeks"]),
                days=int(part["days"]),
                hours=int(part["hours"]),
                minutes=int(part["minutes"]),
                seconds=float(part["seconds"].replace(",", ".")),
            )
        except OverflowError:
            raise IntervalError(f"{text!r} is longer than any interval can be") from None
        return cls(12 * int(part["years"]) + int(part["months"]), length)

    def shift(self, moment: datetime, sign: int) -> datetime:
        """`moment` moved forward (sign 1) or back (-1) by the duration: the months first, on the calendar
        (a day past the new month's end becomes its last day), then the fixed length."""
        try:
            index = moment.year * 12 + moment.month - 1 + sign * self.months
            year, month = divmod(index, 12)
            if not 1 <= year <= 9999:
                raise OverflowError
            day = min(moment.day, calendar.monthrange(year, month + 1)[1])
            return moment.replace(year=year, month=month + 1, day=day) + sign * self.length
        except OverflowError:
            raise IntervalError(f"the interval reaches outside the years 1 to 9999 ({moment.isoformat()})") from None


def _parse_instant(text: str) -> datetime:
    """The aware date-time `text` names (RFC 3339, or another ISO-8601 form Python reads)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise IntervalError(f"{text!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise IntervalError(f"{text!r} has no time zone; end it with Z or an offset")
    format_instant(moment)  # refuses one outside the years 1 to 9999 in UTC
    return moment


def _check_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise IntervalError(f"the interval ends ({end.isoformat()}) before it starts ({start.isoformat()})")


def _halves(text: str) -> tuple[datetime, datetime, str]:
    """The instants of a `start/end` string, checked in order, and the text to send: as given when both
    halves are RFC 3339 date-times, else both in UTC (a duration side resolved against the other side)."""
    halves = [half.strip() for half in text.strip().split("/")]
    if len(halves) != 2 or not all(halves):
        raise IntervalError(f"{text!r} is not an ISO-8601 interval of the form start/end")
    durations = [Duration.parse(half) if half.startswith("P") else None for half in halves]
    if durations[0] is not None and durations[1] is not None:
        raise IntervalError(f"{text!r} gives two durations; an interval needs at least one date-time")
    if durations[0] is not None:
        end = _parse_instant(halves[1])
        start = durations[0].shift(end, -1)
    elif durations[1] is not None:
        start = _parse_instant(halves[0])
        end = durations[1].shift(start, 1)
    else:
        start, end = _parse_instant(halves[0]), _parse_instant(halves[1])
    _check_order(start, end)
    if all(_RFC3339.fullmatch(half) for half in halves):
        return start, end, f"{halves[0]}/{halves[1]}"
    return start, end, f"{format_instant(start)}/{format_instant(end)}"


def _pair(interval: object) -> tuple[datetime, datetime] | None:
    if isinstance(interval, tuple) and len(interval) == 2 and all(isinstance(m, datetime) for m in interval):
        for moment in interval:
            format_instant(moment)  # refuses a naive datetime, or one outside the years 1 to 9999
        _check_order(interval[0], interval[1])
        return interval[0], interval[1]
    return None


_WRONG_TYPE = "interval must be a 'start/end' string or a (start, end) pair of aware datetimes"


def interval_bounds(interval: IntervalArg) -> tuple[datetime, datetime]:
    """The aware start and end of an interval given as a (start, end) pair or a `start/end` string."""
    if isinstance(interval, str):
        start, end, _text = _halves(interval)
        return start, end
    pair = _pair(interval)
    if pair is None:
        raise IntervalError(_WRONG_TYPE)
    return pair


def format_interval(interval: IntervalArg) -> str:
    """The `start/end` text to send for a pair of aware datetimes or a checked `start/end` string: two
    RFC 3339 date-times with four-digit years (a string's are kept as given when they already are)."""
    if isinstance(interval, str):
        return _halves(interval)[2]
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
