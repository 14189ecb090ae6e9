"""The plan of a running export: its sub-queries, where each stands, and the order they come out in.

Flow: producer -> plan (this module) -> hand-out (`_handout`) -> sink. Producers (`_producer`) change the
plan as they run a sub-query: they record its query id (`set_transaction`, `forget_transaction`) and,
in an adaptive export, cut it (`cut`, from `_adaptive`). The hand-out machine moves a sub-query's
position only as its records are handed out (`advance`, `finish`), so `checkpoint()` always describes
exactly the records handed out so far.

Invariants, kept under one lock: `sequence()` holds every sub-query once, in hand-out order; a cut only
inserts new sub-queries right after the one cut, which is still running, so the sub-queries before it
never move; a position only moves forward.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..models.audit_query_request import AuditQueryRequest
from ._checkpoint import ExportCheckpoint, PartCheckpoint
from ._plan import query_descending
from ._progress import BulkProgress

__all__: list[str] = []


@dataclass
class _Position:
    """A sub-query's checkpoint as the hand-out moves it (a PartCheckpoint is made on demand)."""

    interval: str
    transaction_id: str | None
    cursor: str | None
    skip: int
    records_read: int
    done: bool
    page_number: int | None

    def frozen(self) -> PartCheckpoint:
        return PartCheckpoint(**asdict(self))


class RunningPlan:
    """The sub-queries of an export as they run (thread-safe): their checkpoints, query ids, which have
    started, and the order their records come out in (which a cut extends)."""

    def __init__(self, plan: ExportCheckpoint) -> None:
        self.query: Mapping[str, Any] = plan.query
        self.adaptive = plan.adaptive
        self._lock = threading.Lock()
        self._positions = [_Position(**asdict(part)) for part in plan.parts]
        self._sequence = list(range(len(plan.parts)))  # the sub-queries in hand-out order (grows when cut)
        #: The latest query id of each sub-query, which the checkpoint takes up with its first records.
        self._transaction_ids = [part.transaction_id for part in plan.parts]
        self._started = [False] * len(plan.parts)
        self._records_at_start = plan.records_read
        self._clock_start = time.monotonic()

    @property
    def descending(self) -> bool:
        """Whether records come out latest first."""
        return query_descending(self.query)

    @property
    def count(self) -> int:
        """How many sub-queries the plan has (an adaptive plan grows)."""
        with self._lock:
            return len(self._positions)

    @property
    def parts(self) -> list[PartCheckpoint]:
        """Every sub-query's checkpoint as it stands."""
        with self._lock:
            return [position.frozen() for position in self._positions]

    def part(self, index: int) -> PartCheckpoint:
        with self._lock:
            return self._positions[index].frozen()

    def interval(self, index: int) -> str:
        with self._lock:
            return self._positions[index].interval

    def sequence(self) -> list[int]:
        """Every sub-query, in hand-out order."""
        with self._lock:
            return list(self._sequence)

    def pending(self) -> list[int]:
        """The sub-queries with records still to hand out, in hand-out order."""
        with self._lock:
            return [index for index in self._sequence if not self._positions[index].done]

    def ranks(self) -> dict[int, int]:
        """Each sub-query's place in hand-out order."""
        with self._lock:
            return {index: rank for rank, index in enumerate(self._sequence)}

    def request(self, index: int) -> AuditQueryRequest:
        return AuditQueryRequest.from_dict({**self.query, "interval": self.interval(index)})

    # What producers change

    def start(self, index: int) -> None:
        """A worker began running sub-query `index`."""
        with self._lock:
            self._started[index] = True

    def transaction_id(self, index: int) -> str | None:
        """The latest query id of sub-query `index` (its checkpoint takes it up with its first records)."""
        with self._lock:
            return self._transaction_ids[index]

    def set_transaction(self, index: int, transaction_id: str) -> None:
        with self._lock:
            self._transaction_ids[index] = transaction_id
            position = self._positions[index]
            # A query with records to skip (a re-run) is saved with its first records handed out.
            if position.transaction_id is None and not position.records_read:
                position.transaction_id = transaction_id

    def forget_transaction(self, index: int, transaction_id: str) -> None:
        """The query ended Failed or Cancelled: the checkpoint stops naming it, so a resumption runs the
        sub-query as a new query (dropping the records already handed out, if any)."""
        with self._lock:
            position = self._positions[index]
            if position.transaction_id == transaction_id:
                position.transaction_id, position.cursor, position.skip = None, None, 0

    def cut(self, index: int, kept: str, new: Sequence[str]) -> list[int]:
        """Sub-query `index` keeps only the interval `kept`; the rest of its old interval is `new`, sub-queries
        whose records come out right after its own. Returns their indices."""
        with self._lock:
            self._positions[index].interval = kept
            added = list(range(len(self._positions), len(self._positions) + len(new)))
            self._positions.extend(_Position(interval, None, None, 0, 0, False, None) for interval in new)
            self._transaction_ids.extend(None for _ in new)
            self._started.extend(False for _ in new)
            at = self._sequence.index(index) + 1
            self._sequence[at:at] = added
        return added

    # What the hand-out moves

    def advance(self, index: int, transaction_id: str, records: int, cursor: str | None, skip: int, done: bool) -> None:
        """`records` more of sub-query `index`'s records were handed out; it now stands at `cursor`, `skip`."""
        with self._lock:
            position = self._positions[index]
            position.transaction_id = transaction_id
            position.records_read += records
            position.cursor, position.skip, position.done = cursor, skip, done

    def finish(self, index: int) -> None:
        with self._lock:
            position = self._positions[index]
            position.cursor, position.skip, position.done = None, 0, True

    def checkpoint(self) -> ExportCheckpoint:
        """Where to resume: exactly the records not yet handed out remain."""
        with self._lock:
            parts = tuple(self._positions[index].frozen() for index in self._sequence)
        return ExportCheckpoint(self.query, parts, adaptive=self.adaptive)

    @property
    def records_read(self) -> int:
        with self._lock:
            return sum(position.records_read for position in self._positions)

    @property
    def done(self) -> bool:
        with self._lock:
            return all(position.done for position in self._positions)

    def progress(self, pages_out: int) -> BulkProgress:
        with self._lock:  # the sub-queries and their started flags as of one moment
            parts, started = [position.frozen() for position in self._positions], list(self._started)
        done = sum(part.done for part in parts)
        running = sum(begun and not part.done for begun, part in zip(started, parts, strict=True))
        records = sum(part.records_read for part in parts)
        elapsed = time.monotonic() - self._clock_start
        rate = (records - self._records_at_start) / elapsed if elapsed > 0 else 0.0
        return BulkProgress(len(parts) - done - running, running, done, records, elapsed, rate, pages_out)
