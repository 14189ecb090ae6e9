"""The emulator's settings."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from emulator.faults import FaultRule
from emulator.shapes import SHAPES

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_DATA_END",
    "DEFAULT_SPAN",
    "REALTIME_DAYS",
    "RUNTIME_SETTINGS",
    "EmulatorConfig",
    "utc_midnight_today",
]

DEFAULT_CLIENT_ID: Final = "emulator-client"
DEFAULT_CLIENT_SECRET: Final = "emulator-secret"
# A fixed end keeps the Python API deterministic; the CLI uses today instead.
DEFAULT_DATA_END: Final = datetime(2026, 11, 1, tzinfo=UTC)
DEFAULT_SPAN: Final = timedelta(days=30)
# How far back a realtime query reaches, in days before the end of the data (the emulator's present):
# the API's reference page says "14 days worth of audits".
REALTIME_DAYS: Final = 14

# Settings that POST /_emulator/config may change while the server runs.
RUNTIME_SETTINGS: Final = frozenset(
    {
        "pending_polls",
        "succeed_after_seconds",
        "fail_queries",
        "token_ttl",
        "token_max_requests",
        "rate_limit_rpm",
        "rate_limit_window",
        "validate",
        "strict",
        "redirect_over",
        "realtime_days",
        "now",
    }
)


def utc_midnight_today() -> datetime:
    """The most recent midnight in UTC (the CLI's default data end)."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclasses.dataclass
class EmulatorConfig:
    """Everything that shapes the emulator's behaviour.

    The organization holds ``records`` audit records spread over
    ``[data_start, data_end)``; ``data_start`` defaults to 30 days before
    ``data_end``.
    """

    port: int = 0
    records: int = 1000
    seed: int = 1
    data_end: datetime = DEFAULT_DATA_END
    data_start: datetime | None = None
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    token_ttl: int = 86399
    token_max_requests: int | None = None
    pending_polls: int = 2
    succeed_after_seconds: float | None = None
    fail_queries: bool = False
    rate_limit_rpm: int | None = None
    rate_limit_window: float = 60.0
    validate: bool = True
    strict: bool = True
    faults: tuple[FaultRule, ...] = ()
    max_transactions: int = 10_000
    log_requests: bool = False
    # With allowRedirect=true, results of a query whose interval holds more records than this
    # are answered as pages with a downloadUrl (AuditQueryExecutionLargeResultsResponse). None: never.
    redirect_over: int | None = None
    # How many records' JSON to keep for pages asked for again (0: none).
    record_cache: int = 0
    # How many days before data_end a realtime query reaches (None: all the data).
    realtime_days: int | None = REALTIME_DAYS
    # Records arriving over time (see emulator.timeline): the present, fixed (`now`) or the wall clock
    # (`live`); None and False: every record is visible. `late_percent` of the records become visible
    # up to `late_by` seconds after their eventDate.
    now: datetime | None = None
    live: bool = False
    late_percent: float = 0.0
    late_by: float = 1800.0
    # Every Nth record changes one of a few tracked queues, its property values chained (0: none).
    history_every: int = 0
    # How the records are spread over the span and what they carry (emulator.shapes.SHAPES).
    shape: str = "even"

    def __post_init__(self) -> None:
        for name in ("data_end", "data_start", "now"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.records < 0:
            raise ValueError("records must not be negative")
        if self.record_cache < 0:
            raise ValueError("record_cache must not be negative")
        for name in ("redirect_over", "realtime_days"):
            _check_setting(name, getattr(self, name))
        if self.span_start >= self.data_end:
            raise ValueError("data_start must be before data_end")
        if self.live and self.now is not None:
            raise ValueError("now and live do not go together (live: the present is the wall clock)")
        if not 0 <= self.late_percent <= 100 or not 0 < self.late_by <= 366 * 86400:
            raise ValueError("late_percent must be 0 to 100 and late_by more than 0 s, at most a year")
        if self.history_every < 0:
            raise ValueError("history_every must not be negative")
        if self.shape not in SHAPES:
            raise ValueError(f"unknown data shape {self.shape!r}; known: {', '.join(SHAPES)}")

    @property
    def span_start(self) -> datetime:
        return self.data_start if self.data_start is not None else self.data_end - DEFAULT_SPAN

    def update(self, changes: dict[str, Any]) -> None:
        """Apply runtime changes (names from RUNTIME_SETTINGS), type-checked."""
        unknown = set(changes) - RUNTIME_SETTINGS
        if unknown:
            raise ValueError(f"not changeable at runtime: {', '.join(sorted(unknown))}")
        for name, value in changes.items():
            _check_setting(name, value)
        if changes.get("now") is not None and self.live:
            raise ValueError("now cannot be set on a live emulator (its present is the wall clock)")
        for name, value in changes.items():
            setattr(self, name, _instant(value) if name == "now" and isinstance(value, str) else value)


def _check_setting(name: str, value: Any) -> None:
    if name in ("fail_queries", "validate", "strict"):
        ok = isinstance(value, bool)
    elif name in ("pending_polls", "token_ttl"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif name == "redirect_over":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
    elif name in ("token_max_requests", "rate_limit_rpm", "realtime_days"):
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
    elif name == "now":
        ok = value is None or (isinstance(value, datetime) and value.tzinfo is not None)
        if isinstance(value, str):
            try:
                ok = _instant(value).tzinfo is not None
            except ValueError:
                ok = False
    elif name == "succeed_after_seconds":
        ok = value is None or (
            isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf
        )
    else:  # rate_limit_window
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf
    if not ok:
        raise ValueError(f"bad value for {name}: {value!r}")


def _instant(text: str) -> datetime:
    """An aware ISO-8601 date-time (`now` given as JSON); ValueError for anything else."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment
