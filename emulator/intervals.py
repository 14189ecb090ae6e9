"""The interval of a query body: ISO-8601 `start/end`, where one side may be a duration.

A date-time without a zone is taken as UTC (as the API does). A duration (PnW, or PnYnMnDTnHnMnS with
whole numbers and seconds to the millisecond) is resolved against the other side: its years and
months on the calendar first (a day past the new month's end becomes its last day), then the rest.
Anything else, two durations, or an instant outside the years 1 to 9999 is a 400 `invalid.date`.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Final

from emulator.data import to_millis
from emulator.errors import ApiError

__all__ = ["parse_interval"]

_DURATION: Final = re.compile(
    r"P(?:(?P<weeks>\d{1,12})W|(?=\d|T\d)(?:(?P<years>\d{1,12})Y)?(?:(?P<months>\d{1,12})M)?(?:(?P<days>\d{1,12})D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d{1,12})H)?(?:(?P<minutes>\d{1,12})M)?(?:(?P<seconds>\d{1,12}(?:[.,]\d{1,3})?)S)?)?)",
    re.ASCII,
)


def _invalid(message: str) -> ApiError:
    return ApiError(400, message, "invalid.date", field="interval")


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _invalid(f"Invalid date in interval: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shift(moment: datetime, duration: re.Match[str], sign: int) -> datetime:
    part = {name: value or "0" for name, value in duration.groupdict().items()}
    index = moment.year * 12 + moment.month - 1 + sign * (12 * int(part["years"]) + int(part["months"]))
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError
    moment = moment.replace(year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1]))
    whole = {unit: int(part[unit]) for unit in ("weeks", "days", "hours", "minutes")}
    length = timedelta(**whole, seconds=float(part["seconds"].replace(",", ".")))
    return moment + sign * length


def parse_interval(value: object) -> tuple[int, int]:
    """The interval's start and end in epoch milliseconds; ApiError 400 when it is not one."""
    if not isinstance(value, str):
        raise ApiError(400, "interval must be a string", "bad.request", field="interval")
    halves = [half.strip() for half in value.split("/")]
    if len(halves) != 2:
        raise _invalid("interval must be start/end in ISO-8601")
    durations = [_DURATION.fullmatch(half) if half.startswith("P") else None for half in halves]
    for half, duration in zip(halves, durations, strict=True):
        if half.startswith("P") and duration is None:
            raise _invalid(f"Invalid duration in interval: {half!r}")
    try:
        if durations[0] and durations[1]:
            raise _invalid("interval needs at least one date-time")
        if durations[0]:
            end = _instant(halves[1])
            start = _shift(end, durations[0], -1)
        elif durations[1]:
            start = _instant(halves[0])
            end = _shift(start, durations[1], 1)
        else:
            start, end = _instant(halves[0]), _instant(halves[1])
        start_ms, end_ms = to_millis(start.astimezone(UTC)), to_millis(end.astimezone(UTC))
    except OverflowError:
        raise _invalid("interval reaches outside the years 1 to 9999") from None
    if end_ms <= start_ms:
        raise _invalid("interval must end after it starts")
    return start_ms, end_ms
