"""The command line's own interval syntax: a window ending now (`--last 7d`) and split spans (`--split 1d`).

Everything else about intervals (time zones, order) follows the library's one rule; see `_query_args`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .._errors import IntervalError

__all__: list[str] = []

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"^\s*(\d+)\s*([wdhms])\s*$", re.IGNORECASE)


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
