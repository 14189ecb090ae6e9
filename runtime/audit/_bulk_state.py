"""What the sync and async split exports share: the sub-queries' positions, progress and checkpoint.

Workers fetch pages; the consumer (the caller's iteration) advances each sub-query's position only as
its records are handed out, so `checkpoint()` always describes exactly the records yielded so far,
however far the workers have prefetched.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from .._core._client import RequestOptions
from .._core._errors import NotFoundError
from .._core._waiter import WaitPolicy
from ..client import Client
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_query_request import AuditQueryRequest
from ._bulk_plan import BulkCheckpoint, PartCheckpoint
from ._exports import AsyncAuditExport, AuditExport, ExportCheckpoint

__all__ = ["BulkProgress"]


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of a split export: sub-queries waiting, running and done; records yielded and their rate."""

    waiting: int
    running: int
    done: int
    records: int
    elapsed: float
    records_per_second: float


@dataclass(frozen=True)
class PageItem:
    """A fetched page of one sub-query: `first_index` is the position in the page of `records[0]`."""

    part: int
    transaction_id: str
    cursor: str | None
    next_cursor: str | None
    last: bool
    first_index: int
    records: list[AuditLogMessage]


@dataclass(frozen=True)
class PartEnd:
    part: int


@dataclass(frozen=True)
class Failure:
    error: BaseException


class BulkState:
    """Settings, the sub-queries' checkpoints and the order they are yielded in."""

    def __init__(
        self,
        client: Client,
        *,
        checkpoint: BulkCheckpoint,
        concurrency: int,
        ordered: bool,
        buffer_pages: int,
        page_size: int,
        expand_user: bool,
        wait_policy: WaitPolicy | None,
        request_options: RequestOptions | None,
    ) -> None:
        self.client = client
        self.query = checkpoint.query
        self.parts: list[PartCheckpoint] = list(checkpoint.parts)
        self.concurrency = concurrency
        self.ordered = ordered
        self.buffer_pages = buffer_pages
        self.page_size = page_size
        self.expand_user = expand_user
        self.wait_policy = wait_policy
        self.request_options = request_options
        self.started = [False] * len(self.parts)
        self._lock = threading.Lock()
        self._records_at_start = checkpoint.records_read
        self._clock_start = time.monotonic()

    # Positions (the consumer's side)

    def pending(self) -> list[int]:
        """The sub-queries with records still to yield, in yield order."""
        return [index for index, part in enumerate(self.parts) if not part.done]

    def advance(self, item: PageItem, before: int, after: int) -> None:
        """Records that `item`'s records from `before` to `after` were handed out."""
        with self._lock:
            part = replace(self.parts[item.part], transaction_id=item.transaction_id)
            if after >= len(item.records):
                part = replace(part, cursor=item.next_cursor, skip=0, done=item.last)
            else:
                part = replace(part, cursor=item.cursor, skip=item.first_index + after)
            self.parts[item.part] = replace(part, records_read=part.records_read + after - before)

    def finish(self, index: int) -> None:
        with self._lock:
            self.parts[index] = replace(self.parts[index], cursor=None, skip=0, done=True)

    def set_transaction(self, index: int, transaction_id: str) -> None:
        with self._lock:
            if self.parts[index].transaction_id is None:  # a re-run's id is saved with its first records
                self.parts[index] = replace(self.parts[index], transaction_id=transaction_id)

    def checkpoint(self) -> BulkCheckpoint:
        """Where to resume: passing it to `export_audits` yields exactly the records not yet yielded."""
        with self._lock:
            return BulkCheckpoint(self.query, tuple(self.parts))

    @property
    def progress(self) -> BulkProgress:
        with self._lock:
            done = sum(part.done for part in self.parts)
            running = sum(started and not part.done for started, part in zip(self.started, self.parts, strict=True))
            records = sum(part.records_read for part in self.parts)
        elapsed = time.monotonic() - self._clock_start
        rate = (records - self._records_at_start) / elapsed if elapsed > 0 else 0.0
        return BulkProgress(len(self.parts) - done - running, running, done, records, elapsed, rate)

    @property
    def done(self) -> bool:
        with self._lock:
            return all(part.done for part in self.parts)

    # Sub-queries (the workers' side)

    def request(self, index: int) -> AuditQueryRequest:
        return AuditQueryRequest.from_dict({**self.query, "interval": self.parts[index].interval})

    def part_export(self, index: int, *, rerun: bool = False) -> tuple[dict[str, Any], int]:
        """Arguments for the sub-query's AuditExport, and how many of its first records to drop
        (those yielded before, when a vanished query is run again)."""
        part = self.parts[index]
        common: dict[str, Any] = {
            "page_size": self.page_size,
            "expand_user": self.expand_user,
            "wait_policy": self.wait_policy,
            "request_options": self.request_options,
        }
        if part.transaction_id is None or rerun:
            return {"request": self.request(index), "checkpoint": None, **common}, part.records_read if rerun else 0
        start = ExportCheckpoint(part.transaction_id, part.cursor, part.skip)
        return {"request": None, "checkpoint": start, **common}, 0

    def sync_export(self, index: int, *, rerun: bool = False) -> tuple[AuditExport, int]:
        kwargs, drop = self.part_export(index, rerun=rerun)
        return AuditExport(self.client, **kwargs), drop

    def async_export(self, index: int, *, rerun: bool = False) -> tuple[AsyncAuditExport, int]:
        kwargs, drop = self.part_export(index, rerun=rerun)
        return AsyncAuditExport(self.client, **kwargs), drop

    def first_index(self, index: int, rerun: bool) -> int:
        return 0 if rerun else self.parts[index].skip


def vanished(error: BaseException, emitted: bool, rerun: bool) -> bool:
    """Whether to run a sub-query again: its saved query is gone (404) and nothing of it was fetched yet."""
    return isinstance(error, NotFoundError) and not emitted and not rerun


def drop_records(records: list[AuditLogMessage], drop: int) -> tuple[list[AuditLogMessage], int, int]:
    """(records kept, how many were dropped from this page, how many remain to drop)."""
    dropped = min(drop, len(records))
    return records[dropped:], dropped, drop - dropped
