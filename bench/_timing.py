"""Timing an export run again and again in one process (standard library only: the SDK's venv imports it)."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["timed_exports"]


def timed_exports(export: Callable[[], int], reps: int, records: int, reader: str) -> list[float]:
    """The wall time of each of `reps` calls of `export`, which returns how many records it read; a run
    that reads other than `records` ends the process with a message naming `reader`."""
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        count = export()
        times.append(time.perf_counter() - started)
        if count != records:
            raise SystemExit(f"{reader} read {count} records, expected {records}")
    return times
