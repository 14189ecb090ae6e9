"""A client-side request rate limit shared by every thread and task using one Client.

Each request reserves the next free slot (a generic cell rate algorithm): with `per_minute` requests
a minute and a burst of `burst`, no 60-second window ever holds more than per_minute + burst - 1
requests, callers are served in arrival order, and the wait happens outside the lock.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces requests to at most `per_minute` a minute, allowing a short burst."""

    def __init__(
        self,
        per_minute: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.per_minute = per_minute
        self.burst = burst
        self._interval = 60.0 / per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._theoretical_arrival = clock()
        self.waited = 0.0  # seconds spent waiting in all, for progress displays

    def reserve(self) -> float:
        """Claims the next slot; returns how long the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            arrival = max(self._theoretical_arrival, now)
            allowance = self._interval * (self.burst - 1)
            delay = max(0.0, arrival - allowance - now)
            self._theoretical_arrival = arrival + self._interval
            self.waited += delay
            return delay

    def acquire(self) -> None:
        delay = self.reserve()
        if delay > 0:
            time.sleep(delay)

    async def aacquire(self) -> None:
        delay = self.reserve()
        if delay > 0:
            await asyncio.sleep(delay)

    def __repr__(self) -> str:
        return f"RateLimiter(per_minute={self.per_minute}, burst={self.burst})"
