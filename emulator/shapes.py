"""Data shapes: how an organization's records are spread over its span, and what they carry.

Real audit data is not spread evenly: it comes in working hours, in a bulk change by an automation, in
a migration weekend; and it carries fields the spec does not list yet. A shape is a density over the
span (pieces of constant rate); record ``i`` sits at the point below which ``(i + jitter) / count`` of
the density lies, so event times stay non-decreasing in ``i`` and a pure function of the seed, whatever
the shape. The ``extra-fields`` shape keeps even times and adds to each record what the spec does not
list (``add_unlisted``).
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta
from typing import Any, Final

__all__ = ["SHAPES", "Density", "add_unlisted", "density"]

SHAPES: Final = {
    "even": "records spread evenly over the span (the default)",
    "clustered": "every record in three bursts of 0.8 days (at most a sixth of the span each), at places "
    "the seed picks",
    "diurnal": "working hours only: 09:00 to 17:00 UTC, Monday to Friday",
    "bursty": "an even base rate with four spikes of 50 times that rate, each 0.5% of the span",
    "extra-fields": "spread evenly; every record carries fields the spec does not list (two of its own, one "
    "in its entity), and 4% of them a level, 2% a status the spec does not list",
}
_DAY: Final = 86_400_000
CLUSTERS: Final = 3
CLUSTER_MS: Final = _DAY * 4 // 5
SPIKES: Final = 4
SPIKE_RATE: Final = 50
SPIKE_SHARE: Final = 200  # a spike lasts 1/200 of the span
WORK_START_H: Final = 9
WORK_END_H: Final = 17
UNLISTED_LEVEL_PER_MILLE: Final = 40
UNLISTED_STATUS_PER_MILLE: Final = 20
_REGIONS: Final = ("us-east-1", "eu-west-1", "ap-southeast-2", "ca-central-1", "sa-east-1")


class Density:
    """Pieces ``(start_ms, end_ms, rate)`` covering where records may fall, in time order."""

    def __init__(self, pieces: tuple[tuple[int, int, int], ...]) -> None:
        self.pieces = pieces
        cumulative = [0]
        for start, end, rate in pieces:
            cumulative.append(cumulative[-1] + (end - start) * rate)
        self._cumulative = tuple(cumulative)

    def time_at(self, numerator: int, denominator: int) -> int:
        """The time (ms) below which ``numerator / denominator`` (in [0, 1)) of the records lie."""
        cumulative = self._cumulative
        target = numerator * cumulative[-1] // denominator
        piece = min(bisect.bisect_right(cumulative, target), len(self.pieces)) - 1
        start, _, rate = self.pieces[piece]
        return start + (target - cumulative[piece]) // rate

    def rate_at(self, millis: int) -> int:
        """The rate at ``millis`` (0 outside every piece)."""
        return max((rate for start, end, rate in self.pieces if start <= millis < end), default=0)


def density(shape: str, start_ms: int, end_ms: int, seed_key: int) -> Density:
    """The density of ``shape`` over ``[start_ms, end_ms)``; ValueError for an unknown shape or a span
    that cannot hold it."""
    if shape not in SHAPES:
        raise ValueError(f"unknown data shape {shape!r}; known: {', '.join(SHAPES)}")
    span = end_ms - start_ms
    if shape == "clustered":
        return Density(_clusters(start_ms, span, seed_key))
    if shape == "diurnal":
        return Density(_working_hours(start_ms, end_ms))
    if shape == "bursty":
        return Density(_spikes(start_ms, span, seed_key))
    return Density(((start_ms, end_ms, 1),))


def _place(seed_key: int, n: int, room: int) -> int:
    return _mix(seed_key ^ (0x5A4E + n)) % room if room > 0 else 0


def _clusters(start: int, span: int, seed_key: int) -> tuple[tuple[int, int, int], ...]:
    """Three bursts, one in each third of the span, at a place the seed picks within it."""
    third = span // CLUSTERS
    width = max(1, min(CLUSTER_MS, span // (2 * CLUSTERS)))
    pieces = []
    for n in range(CLUSTERS):
        at = start + n * third + _place(seed_key, n, third - width)
        pieces.append((at, at + width, 1))
    return tuple(pieces)


def _spikes(start: int, span: int, seed_key: int) -> tuple[tuple[int, int, int], ...]:
    """The base rate over the whole span, with a spike of 50 times it in each quarter."""
    quarter = span // SPIKES
    width = max(1, span // SPIKE_SHARE)
    pieces = []
    at = start
    for n in range(SPIKES):
        spike = start + n * quarter + _place(seed_key, n, quarter - width)
        if spike > at:
            pieces.append((at, spike, 1))
        pieces.append((spike, spike + width, SPIKE_RATE))
        at = spike + width
    if at < start + span:
        pieces.append((at, start + span, 1))
    return tuple(pieces)


def _working_hours(start: int, end: int) -> tuple[tuple[int, int, int], ...]:
    """09:00 to 17:00 UTC of every weekday in the span."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    day = start - start % _DAY
    pieces = []
    while day < end:
        if (epoch + timedelta(milliseconds=day)).weekday() < 5:
            opens, closes = max(start, day + WORK_START_H * 3_600_000), min(end, day + WORK_END_H * 3_600_000)
            if opens < closes:
                pieces.append((opens, closes, 1))
        day += _DAY
    if not pieces:
        raise ValueError("the data span holds no working hours (09:00 to 17:00 UTC on a weekday) for diurnal data")
    return tuple(pieces)


def add_unlisted(record: dict[str, Any], index: int, seed_key: int) -> dict[str, Any]:
    """``record`` with what the spec does not list: a region and a request id of its own, a version in
    its entity, and for a few records a level or a status the spec does not list. The unknown fields come
    last, in the same order in every record, as a serializer writes them."""
    roll = _mix(seed_key ^ 0xE8_7A ^ index)
    record["sourceRegion"] = _REGIONS[roll % len(_REGIONS)]
    record["requestId"] = f"{_mix(roll):016x}{_mix(roll ^ 1):016x}"
    record["entity"]["version"] = 1 + (roll >> 8) % 40
    if (roll >> 16) % 1000 < UNLISTED_LEVEL_PER_MILLE:
        record["level"] = "PARTNER"
    if (roll >> 32) % 1000 < UNLISTED_STATUS_PER_MILLE:
        record["status"] = "PARTIAL"
    return record


def _mix(value: int) -> int:
    """SplitMix64's finaliser (as emulator.data's)."""
    z = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)
