"""Date-time text as ISO-8601 APIs commonly write it: UTC with whole milliseconds."""

from __future__ import annotations

import datetime

__all__ = []


def format_datetime(value: datetime.datetime) -> str:
    """ISO-8601; UTC with whole milliseconds as ``2026-11-01T10:00:00.123Z``, like the API's own."""
    if value.utcoffset() == datetime.timedelta(0) and value.microsecond % 1000 == 0:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.isoformat()
