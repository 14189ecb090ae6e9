"""A client-side request rate limit shared by every thread and task using one Client.

A sliding-window log of reserved send times: a request may go out once fewer than `per_minute`
others are scheduled in the minute before it. So a short export runs at full speed, a long one
settles at the limit, no 60-second window ever holds more than `per_minute` requests, callers are
served in arrival order, and the wait happens outside the lock.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from ._errors import ConfigurationError
from ._public import publish

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most `per_minute` requests in any `window` seconds (60 by default)."""

    def __init__(
        self,
        per_minute: int,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise ConfigurationError(f"per_minute must be an integer of at least 1, not {per_minute!r}")
        if not 0 < window < math.inf:
            raise ConfigurationError(f"window must be a finite, positive number of seconds, not {window!r}")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: deque[float] = deque()
        self.waited = 0.0  # seconds callers spent waiting in all, for progress displays

    def reserve(self) -> float:
        """Claims the next free send time; returns how long the caller must wait for it."""
        with self._lock:
            now = self._clock()
            slot = now
            if len(self._slots) >= self.per_minute:
                slot = max(now, self._slots.popleft() + self.window)
            self._slots.append(slot)
            delay = slot - now
            self.waited += delay
            return delay

    def __repr__(self) -> str:
        return f"RateLimiter(per_minute={self.per_minute}, window={self.window})"


publish(globals(), __all__)
