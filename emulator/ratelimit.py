"""A sliding-window request limit per access token."""

from __future__ import annotations

import collections
import math
import threading

__all__ = ["RateLimiter"]


class RateLimiter:
    """Allows ``limit`` requests per ``window`` seconds for each key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, collections.deque[float]] = {}

    def check(self, key: str, limit: int, window: float, now: float) -> int | None:
        """Record a request; ``None`` if allowed, else seconds to wait (>= 1)."""
        with self._lock:
            hits = self._hits.setdefault(key, collections.deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + window - now))
            hits.append(now)
            return None

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
