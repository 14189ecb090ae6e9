"""Query intervals: an ISO-8601 `start/end`, or a window ending now such as `7d` or `12h`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["IntervalError", "check_interval", "interval_bounds", "last_interval", "parse_duration"]

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"^\s*(\d+)\s*([wdhms])\s*$", re.IGNORECASE)


class IntervalError(ValueError):
    """The interval or duration is not understood."""


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise IntervalError(f"not an ISO-8601 date-time: {text.strip()!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_interval(text: str) -> str:
    """`text` if it is `start/end` with start before end; raises IntervalError otherwise."""
    parts = text.split("/")
    if len(parts) != 2:
        raise IntervalError(f"interval must be START/END in ISO-8601, got {text!r}")
    start, end = (_instant(part) for part in parts)
    if end <= start:
        raise IntervalError(f"interval must end after it starts: {text!r}")
    return text.strip()


def interval_bounds(text: str) -> tuple[datetime, datetime]:
    """The aware start and end of a checked `start/end` interval (instants without a zone are UTC)."""
    start, end = (_instant(part) for part in check_interval(text).split("/"))
    return start, end


def parse_duration(duration: str) -> timedelta:
    """`7d`, `12h`, `30m`, `2w` or `90s` as a timedelta."""
    match = _DURATION.match(duration)
    if match is None or int(match.group(1)) == 0:
        raise IntervalError(f"duration must be a positive number with a unit w, d, h, m or s, got {duration!r}")
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def last_interval(duration: str, now: datetime | None = None) -> str:
    """The interval of `duration` (`7d`, `12h`, `30m`, `2w`, `90s`) ending now, to the second, in UTC."""
    span = parse_duration(duration)
    end = (now or datetime.now(UTC)).replace(microsecond=0)
    return f"{_format(end - span)}/{_format(end)}"
