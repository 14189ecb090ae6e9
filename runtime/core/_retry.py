"""When and how long to wait before trying a request again (the loop itself is tenacity's).

Retried: 408, 429 (honouring Retry-After, capped), 5xx, connection failures and timeouts, for calls
safe to repeat; a call that is not (a POST that writes) is resent only after a refusal (429, 503) or a
connection that was never made.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ._errors import ApiError, RateLimitError, TransportError

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = ["RetryPolicy"]

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
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def is_retryable(error: BaseException, *, retry_safe: bool, policy: RetryPolicy) -> bool:
    """Whether `error` may be retried for a call that is (or is not) safe to repeat."""
    if isinstance(error, ApiError):
        if error.status not in policy.retry_statuses:
            return False
        return retry_safe or error.status in _REFUSALS
    if isinstance(error, TransportError):
        cause = error.__cause__
        # A connection that was never made carried no request; anything later might have.
        return retry_safe or isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout))
    return False


class RetryWait:
    """Retry-After when the server sent one (capped), else exponential backoff with equal jitter.

    A tenacity wait strategy (any callable of the retry state will do), so this module, and the
    client's import, need not load tenacity: it is imported when the first request is sent.
    """

    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        self.rng = rng or random.Random()

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, ApiError) and (isinstance(error, RateLimitError) or error.status == 503):
            asked = parse_retry_after(error.headers.get("Retry-After"))
            if asked is not None:
                return min(asked, self.policy.max_retry_after)
        ceiling = min(self.policy.max_backoff, self.policy.initial_backoff * 2 ** (retry_state.attempt_number - 1))
        return self.rng.uniform(ceiling / 2, ceiling)
