"""The command line's own interval syntax: a window ending now (`--last 7d`) and split spans (`--split 1d`).

Everything else about intervals (time zones, order) follows the library's one rule; see `_query_args`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .._errors import IntervalError

__all__: list[str] = []

_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"^\s*([0-9]{1,12})\s*([wdhms])\s*$", re.IGNORECASE)
#: The longest duration `--last` and `--split` take: about ten years (audit data is kept for one or more).
MAX_DURATION = timedelta(days=3660)


def _format(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"  # four digits: strftime's %Y may give fewer


def parse_duration(duration: str) -> timedelta:
    """`7d`, `12h`, `30m`, `2w` or `90s` as a timedelta, from one second to `MAX_DURATION`."""
    match = _DURATION.match(duration)
    seconds = int(match.group(1)) * _SECONDS[match.group(2).lower()] if match else 0
    if not 0 < seconds <= MAX_DURATION.total_seconds():
        raise IntervalError(
            f"duration must be a whole number with a unit w, d, h, m or s, from 1s to {MAX_DURATION.days}d, "
            f"got {duration!r}"
        )
    return timedelta(seconds=seconds)


def last_interval(duration: str, now: datetime | None = None) -> str:
    """The interval of `duration` (`7d`, `12h`, `30m`, `2w`, `90s`) ending now, to the second, in UTC."""
    span = parse_duration(duration)
    end = (now or datetime.now(UTC)).replace(microsecond=0)
    return f"{_format(end - span)}/{_format(end)}"
