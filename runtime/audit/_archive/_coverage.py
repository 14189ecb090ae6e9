"""Instants and intervals as an archive stores them, and what a sync stream covers.

Instants are UTC text with milliseconds (`2026-10-01T00:00:00.000Z`), which sort as they compare. A stream's
coverage is a set of half-open intervals [start, end) it has exported whole; what a sync still has to
export is its target interval less that coverage, each part after covered time started `overlap` earlier
(records can become visible after newer ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

__all__: list[str] = []

Span = tuple[datetime, datetime]

#: How long the API keeps audit records, at least (older ones may be gone at any time).
RETENTION = timedelta(days=365)


def instant_text(moment: datetime) -> str:
    """`moment` (aware) in UTC with milliseconds: YYYY-MM-DDTHH:MM:SS.mmmZ."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> datetime:
    """An aware instant from ISO-8601 text that carries a time zone; ValueError otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


def canonical_date(text: str) -> str:
    """An eventDate as the archive stores it (the API's own form passes through untouched)."""
    if len(text) == 24 and text[19] == "." and text[23] == "Z" and text[10] == "T":
        return text
    try:
        return instant_text(parse_instant(text.replace("Z", "+00:00") if text.endswith("Z") else text))
    except ValueError:
        return text  # kept as sent: the record itself is checked by the export engine


def truncate_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def interval_text(span: Span) -> str:
    return f"{instant_text(span[0])}/{instant_text(span[1])}"


def parse_interval(text: str) -> Span:
    start, _, end = text.partition("/")
    return parse_instant(start), parse_instant(end)


def merged(spans: Iterable[Span]) -> list[Span]:
    """The spans sorted, with overlapping or touching ones joined."""
    result: list[Span] = []
    for start, end in sorted(spans):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def uncovered(target: Span, covered: Iterable[Span]) -> list[Span]:
    """The parts of `target` outside every covered span, in order."""
    start, end = target
    holes: list[Span] = []
    for covered_start, covered_end in merged(covered):
        if covered_end <= start or covered_start >= end:
            continue
        if covered_start > start:
            holes.append((start, covered_start))
        start = max(start, covered_end)
    if start < end:
        holes.append((start, end))
    return holes


def to_export(target: Span, covered: Iterable[Span], overlap: timedelta) -> list[Span]:
    """What a sync exports of `target`: each uncovered part, begun `overlap` early where covered time ends
    (never before the target's start)."""
    spans = merged(covered)
    ends = {end for _, end in spans}
    return [
        (max(target[0], start - overlap) if start in ends else start, end) for start, end in uncovered(target, spans)
    ]
