"""What the command line says on stderr: a one-line progress display, driven by the library's progress
callback, and the lines that report what happened (the plan, the records written, zero records)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .._progress import ExportProgress

__all__: list[str] = []

_REDRAW_SECONDS = 0.1


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 page`, `2 pages`, `0 records`; `nouns` when the plural is not `noun` + s."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


class Progress:
    """Redraws one status line on `stream` (at most every 0.1 s) when `enabled`; `inform` prints a line
    of its own unless `quiet`."""

    def __init__(self, enabled: bool, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.quiet = quiet
        self.pages_before = 0  # pages and records an earlier run wrote to the file being resumed
        self.records_before = 0
        self.records_now = 0  # records and pages handed out by the export, as its latest event said
        self.pages_now = 0
        self.query_requests = 0  # requests creating or polling queries (one "state" event each)
        self._stream = stream if stream is not None else sys.stderr
        self._started = time.monotonic()
        self._paging_started: float | None = None
        self._state_shown: float | None = None
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

    def _line(self, text: str) -> None:
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self._stream.write(text + "\n")
        self._stream.flush()

    def note(self, text: str) -> None:
        """A message on a line of its own, shown with the progress display."""
        if self.enabled:
            self._line(text)

    def inform(self, text: str) -> None:
        """A line of its own on stderr unless quiet (the plan, what was written)."""
        if not self.quiet:
            self._line(f"genesys-audit: {text}")

    def event(self, progress: ExportProgress) -> None:
        """Shows one of the library's progress events."""
        final = progress.event == "finished"
        self.records_now, self.pages_now = progress.records, progress.pages
        self.query_requests += progress.event == "state"
        if progress.event == "rerun":
            self.note(f"audit query {progress.transaction_id} is gone; running it again")
        elif progress.sub_queries > 1:
            self._draw(
                f"sub-queries waiting {progress.waiting}  running {progress.running}  done {progress.done}  "
                f"records {progress.records}  {progress.records_per_second:,.0f} records/s",
                force=final,
            )
        elif progress.event == "state":
            self._state_shown = time.monotonic()
            elapsed = self._state_shown - self._started
            self._draw(f"query {progress.transaction_id}: {progress.state} ({elapsed:.1f} s)", force=True)
        else:
            self._pages(self.pages_before + progress.pages, progress.records, final=final)

    def _pages(self, pages: int, records: int, *, final: bool) -> None:
        if self._paging_started is None:
            self._paging_started = self._state_shown or self._started
        elapsed = time.monotonic() - self._paging_started
        rate = (records - self.records_before) / elapsed if elapsed > 0 else 0.0
        self._draw(f"pages {pages}  records {records}  {rate:,.0f} records/s", force=final)

    @property
    def elapsed(self) -> float:
        """Seconds since the command started."""
        return time.monotonic() - self._started

    def done(self) -> None:
        if self.enabled and self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0
