"""Counters of what the emulator has served, for GET /_emulator/stats."""

from __future__ import annotations

import collections
import threading
from typing import Any

__all__ = ["Stats"]

_KEPT_ERRORS = 20


class Stats:
    """Thread-safe request and event counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._by_route: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
            self._events: collections.Counter[str] = collections.Counter()
            self._validation_errors: collections.deque[str] = collections.deque(maxlen=_KEPT_ERRORS)

    def response(self, route: str, status: int) -> None:
        with self._lock:
            self._by_route[route][str(status)] += 1
            self._events["requests"] += 1
            if status == 429:
                self._events["too_many_requests"] += 1

    def event(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._events[name] += amount

    def validation_error(self, message: str) -> None:
        with self._lock:
            self._events["validation_errors"] += 1
            self._validation_errors.append(message)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            counters = {
                name: self._events[name]
                for name in (
                    "requests",
                    "tokens_issued",
                    "too_many_requests",
                    "rate_limited",
                    "dropped",
                    "delayed",
                    "faults_fired",
                    "queries_created",
                    "auth_failures",
                    "validation_errors",
                    "redirected",
                    "downloads",
                )
            }
            return {
                **counters,
                "by_route": {route: dict(c) for route, c in sorted(self._by_route.items())},
                "recent_validation_errors": list(self._validation_errors),
            }
