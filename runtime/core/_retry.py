"""When and how long to wait before trying a request again (the loop itself is tenacity's).

Retried: 408, 429 (honouring Retry-After, capped), 5xx, connection failures and timeouts, for calls
safe to repeat; a call that is not (a POST that writes) is resent only after a refusal (429, 503) or a
failure before the request could reach the server (no connection was made, or no token could be had).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._errors import ApiError, ConfigurationError, RateLimitError, TransportError, parse_retry_after
from ._public import publish

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = ["RetryPolicy"]

# One generator for every call's jitter: seeding a new one per call costs more than the draw.
_JITTER = random.Random()

# 429 and 503 are refusals: the server did not process the request, so even a POST may be resent.
_REFUSALS = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """How a failed call is retried.

    Attributes:
        max_attempts: Attempts in all, the first included (1 disables retries).
        deadline: Seconds from the first attempt after which no new attempt starts (None: no deadline).
        initial_backoff: The first wait, in seconds, before exponential growth.
        max_backoff: The longest computed wait.
        max_retry_after: The longest wait a server's Retry-After may impose.
        retry_statuses: The statuses worth retrying (for calls that are safe to repeat).
    """

    max_attempts: int = 5
    deadline: float | None = 120.0
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = field(default=frozenset({408, 429, 500, 502, 503, 504}))

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ConfigurationError(f"max_attempts must be an integer of at least 1, not {self.max_attempts!r}")
        if self.deadline is not None and not 0 <= self.deadline < math.inf:
            raise ConfigurationError(f"deadline must be a finite number of seconds or None, not {self.deadline!r}")
        for name in ("initial_backoff", "max_backoff", "max_retry_after"):
            value = getattr(self, name)
            if not 0 <= value < math.inf:
                raise ConfigurationError(f"{name} must be a finite, non-negative number of seconds, not {value!r}")


def is_retryable(error: BaseException, *, retry_safe: bool, policy: RetryPolicy) -> bool:
    """Whether `error` may be retried for a call that is (or is not) safe to repeat."""
    if isinstance(error, ApiError):
        if error.status not in policy.retry_statuses:
            return False
        return retry_safe or error.status in _REFUSALS
    if isinstance(error, TransportError):
        # A request that never reached the server changed nothing there; anything later might have.
        return retry_safe or not error.request_sent
    return False


class RetryWait:
    """Retry-After when the server sent one (capped), else exponential backoff with equal jitter.

    A tenacity wait strategy (any callable of the retry state will do), so this module, and the
    client's import, need not load tenacity: it is imported when the first request is sent.
    """

    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        self.rng = rng or _JITTER

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, ApiError) and (isinstance(error, RateLimitError) or error.status == 503):
            asked = parse_retry_after(error.headers.get("Retry-After"))
            if asked is not None:
                return min(asked, self.policy.max_retry_after)
        ceiling = min(self.policy.max_backoff, self.policy.initial_backoff * 2 ** (retry_state.attempt_number - 1))
        return self.rng.uniform(ceiling / 2, ceiling)


publish(globals(), __all__)
