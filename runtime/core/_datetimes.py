"""Date-time text as ISO-8601 APIs commonly write it: UTC with whole milliseconds."""

from __future__ import annotations

import datetime

__all__ = []


def format_datetime(value: datetime.datetime) -> str:
    """ISO-8601; UTC with whole milliseconds as ``2026-11-01T10:00:00.123Z``, like the API's own."""
    if value.utcoffset() == datetime.timedelta(0) and value.microsecond % 1000 == 0:
        # isoformat pads the year to four digits (0999), as RFC 3339 requires; strftime's %Y does not.
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    return value.isoformat()
