"""The plan of a split export: its sub-intervals, and the checkpoint recording how far each one got.

A long interval is cut into disjoint, consecutive sub-intervals of one span each (the last may be
shorter). Each becomes its own audit query; `BulkCheckpoint` records every sub-query's transaction id,
cursor and records yielded, so a resumed export re-runs nothing that finished.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from .._core._errors import ConfigurationError
from ._query_args import IntervalArg, format_instant, interval_bounds

__all__ = ["BulkCheckpoint", "PartCheckpoint"]

CHECKPOINT_VERSION = 1
_MILLISECOND = timedelta(milliseconds=1)


def split_interval(interval: IntervalArg, span: timedelta) -> list[str]:
    """`interval` cut into consecutive `start/end` sub-intervals of `span` (the last may be shorter)."""
    if not isinstance(span, timedelta) or span < _MILLISECOND or span % _MILLISECOND:
        raise ConfigurationError(f"span must be a whole number of milliseconds, at least one, not {span!r}")
    start, end = interval_bounds(interval)
    parts: list[str] = []
    while start < end:
        stop = min(start + span, end)
        parts.append(f"{format_instant(start)}/{format_instant(stop)}")
        start = stop
    return parts


@dataclass(frozen=True)
class PartCheckpoint:
    """How far one sub-query got: its query, the page being read and the records of it yielded.

    `transaction_id` is None until the query is created; `done` is true once its every record was yielded.
    """

    interval: str
    transaction_id: str | None = None
    cursor: str | None = None
    skip: int = 0
    records_read: int = 0
    done: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "transactionId": self.transaction_id,
            "cursor": self.cursor,
            "skip": self.skip,
            "recordsRead": self.records_read,
            "done": self.done,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartCheckpoint:
        part = cls(
            interval=data["interval"],
            transaction_id=data.get("transactionId"),
            cursor=data.get("cursor"),
            skip=data.get("skip", 0),
            records_read=data.get("recordsRead", 0),
            done=data.get("done", False) is True,
        )
        if not isinstance(part.interval, str) or not isinstance(part.skip, int) or part.skip < 0:
            raise ValueError("wrong field types")
        if part.transaction_id is not None and not isinstance(part.transaction_id, str):
            raise ValueError("wrong field types")
        return part

    def restarted(self) -> PartCheckpoint:
        """This part with its query forgotten (it vanished), keeping the count of records yielded."""
        return replace(self, transaction_id=None, cursor=None, skip=0)


@dataclass(frozen=True)
class BulkCheckpoint:
    """Where a split export stands: the query (without its interval) and every sub-query's progress,
    in the order their records are yielded."""

    query: dict[str, Any]
    parts: tuple[PartCheckpoint, ...] = field(default_factory=tuple)

    @property
    def records_read(self) -> int:
        return sum(part.records_read for part in self.parts)

    @property
    def done(self) -> bool:
        return all(part.done for part in self.parts)

    def to_dict(self) -> dict[str, Any]:
        return {"version": CHECKPOINT_VERSION, "query": self.query, "parts": [p.to_dict() for p in self.parts]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulkCheckpoint:
        try:
            if data.get("version") != CHECKPOINT_VERSION or not isinstance(data.get("query"), dict):
                raise ValueError("not this version")
            return cls(query=data["query"], parts=tuple(PartCheckpoint.from_dict(p) for p in data["parts"]))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ConfigurationError(f"not a split-export checkpoint: {type(error).__name__}") from None

    @classmethod
    def from_json(cls, text: str) -> BulkCheckpoint:
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigurationError("not a split-export checkpoint: not JSON") from None
        if not isinstance(data, dict):
            raise ConfigurationError("not a split-export checkpoint: not an object")
        return cls.from_dict(data)
