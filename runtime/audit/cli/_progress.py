"""A one-line progress display on stderr: the query's state while it runs, then pages, records, rate."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__: list[str] = []

_REDRAW_SECONDS = 0.1


class Progress:
    """Redraws one status line on `stream` (at most every 0.1 s); does nothing when disabled."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self._stream = stream if stream is not None else sys.stderr
        self._started = time.monotonic()
        self._paging_started: float | None = None
        self._state_shown: float | None = None
        self._records_at_start = 0
        self._last_draw = 0.0
        self._width = 0

    def _draw(self, text: str, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < _REDRAW_SECONDS:
            return
        self._last_draw = now
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def state(self, transaction_id: str, state: str) -> None:
        self._state_shown = time.monotonic()
        elapsed = self._state_shown - self._started
        self._draw(f"query {transaction_id}: {state} ({elapsed:.1f} s)", force=True)

    def note(self, text: str) -> None:
        """A message on a line of its own (kept when the status line is redrawn)."""
        if self.enabled:
            self._draw(text, force=True)
            self._stream.write("\n")
            self._width = 0

    def start_paging(self, records: int) -> None:
        """Starts the rate's clock when the query's last state was shown (or now); `records` were written
        before (by an earlier run)."""
        self._paging_started = self._state_shown or time.monotonic()
        self._records_at_start = records

    def pages(self, pages: int, records: int, *, final: bool = False) -> None:
        if self._paging_started is None:
            self.start_paging(records)
        started = self._paging_started if self._paging_started is not None else time.monotonic()
        elapsed = time.monotonic() - started
        rate = (records - self._records_at_start) / elapsed if elapsed > 0 else 0.0
        self._draw(f"pages {pages}  records {records}  {rate:,.0f} records/s", force=final)

    def parts(self, waiting: int, running: int, done: int, records: int, rate: float, *, final: bool = False) -> None:
        """The state of a split export: sub-queries waiting, running and done, and the record rate."""
        self._draw(
            f"sub-queries waiting {waiting}  running {running}  done {done}  records {records}  {rate:,.0f} records/s",
            force=final,
        )

    def done(self) -> None:
        if self.enabled and self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0
