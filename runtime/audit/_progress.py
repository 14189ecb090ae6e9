"""The progress of an export, as a snapshot and as the events a `progress=` callback receives.

    def show(event: ExportProgress) -> None:
        print(f"{event.event}: {event.done}/{event.sub_queries} sub-queries, {event.records} records")

    for record in export_audits(client, interval=..., progress=show):
        ...

The callback is told when a sub-query's audit query is created or polled (`"state"`, with its state),
when a query that vanished is run again (`"rerun"`), when a page's records have been handed out
(`"page"`, reported as the next record or page is asked for, so it never holds up the one handed out)
and once when every record is out (`"finished"`). Calls never overlap, but those about queries come
from the thread or task that runs the sub-query (a worker thread of `export_audits`): keep the
callback quick and do not iterate the export from it. An exception it raises ends the export as an
API error would, with the checkpoint exact.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal, TypeAlias

__all__ = ["BulkProgress", "ExportProgress", "ProgressCallback", "ProgressEventKind"]

ProgressEventKind: TypeAlias = Literal["state", "rerun", "page", "finished"]


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of an export.

    Attributes:
        waiting, running, done: Sub-queries not started yet, being read, and with every record out.
        records: Records handed out, including those before the checkpoint the export resumed from.
        elapsed: Seconds since the export object was made.
        records_per_second: Records handed out by this export object per second of `elapsed`.
        pages: Pages whose records this export object has handed out.
    """

    waiting: int
    running: int
    done: int
    records: int
    elapsed: float
    records_per_second: float
    pages: int = 0

    @property
    def sub_queries(self) -> int:
        """Every sub-query of the export (one for a one-query export)."""
        return self.waiting + self.running + self.done


@dataclass(frozen=True)
class ExportProgress(BulkProgress):
    """What a `progress=` callback receives: the event and the snapshot after it.

    Attributes:
        event: ``"state"``, ``"rerun"``, ``"page"`` or ``"finished"`` (see the module's documentation).
        part: The sub-query the event is about, counting from 0 in hand-out order (None for "finished").
        transaction_id: Its audit query's id, for "state" and "rerun".
        state: The query's state for "state" (``Queued``, ``Running``, ``Succeeded``, ...).
    """

    event: ProgressEventKind = "page"
    part: int | None = None
    transaction_id: str | None = None
    state: str | None = None


ProgressCallback: TypeAlias = Callable[[ExportProgress], None]


class ProgressReporter:
    """Calls the export's callback, one call at a time; also takes the producers' events."""

    def __init__(self, callback: ProgressCallback | None, snapshot: Callable[[], BulkProgress]) -> None:
        self._callback = callback
        self._snapshot = snapshot
        self._lock = threading.RLock()

    def emit(
        self,
        event: ProgressEventKind,
        part: int | None = None,
        transaction_id: str | None = None,
        state: str | None = None,
    ) -> None:
        if self._callback is None:
            return
        with self._lock:
            snapshot = asdict(self._snapshot())
            self._callback(
                ExportProgress(**snapshot, event=event, part=part, transaction_id=transaction_id, state=state)
            )

    # The producers' events (`_producer.ExportEvents`)

    def query_state(self, part: int, transaction_id: str, state: str) -> None:
        self.emit("state", part, transaction_id, state)

    def query_rerun(self, part: int, transaction_id: str) -> None:
        self.emit("rerun", part, transaction_id)
