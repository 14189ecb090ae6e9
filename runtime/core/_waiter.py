"""Polls a long-running resource until it reaches a final state, backing off between polls.

Generated `wait` / `wait_async` helpers build these from the spec's x-waiter extension. Each poll is an
ordinary client call, so the client's retries and token renewal apply to it. The overall deadline is the
sync form's timeout; the async form also stops when its task is cancelled.

Waiting costs no idle time up front: the status the resource was created with (`initial`) is read
first, so a resource that is already final is never polled; otherwise the first poll comes at once,
the next after a tenth of a second, and the intervals grow from there (x1.5, up to 10 s), so a quick
job is seen within a few hundredths of a second of finishing and a long one costs few requests.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from msgspec import UnsetType as Unset

from ._errors import ConfigurationError, WaitFailedError, WaitTimeoutError
from ._logging import logger
from ._public import publish

__all__ = ["WaitPolicy"]

StatusT = TypeVar("StatusT")


@dataclass(frozen=True)
class WaitPolicy:
    """How to poll.

    Attributes:
        first_interval: Seconds before the second poll (the first is immediate, or none at all when the
            status the resource was created with is final already).
        growth: Factor each following interval grows by.
        max_interval: The longest interval.
        deadline: Seconds after the first poll by which a final state must be seen (None: no limit).
        jitter: Fraction by which an interval is randomly shortened, so many waiters do not poll in step.
    """

    first_interval: float = 0.1
    growth: float = 1.5
    max_interval: float = 10.0
    deadline: float | None = 600.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if not (0 <= self.first_interval < math.inf and 0 <= self.max_interval < math.inf):
            raise ConfigurationError("intervals must be finite and not negative")
        if not 1 <= self.growth < math.inf:
            raise ConfigurationError("growth must be finite and at least 1")
        if self.deadline is not None and not 0 <= self.deadline < math.inf:
            raise ConfigurationError("deadline must be finite and not negative")
        if not 0 <= self.jitter < 1:
            raise ConfigurationError("jitter must be in [0, 1)")

    def interval(self, poll: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after poll number `poll` (counting from 0) before the next one."""
        base = min(self.max_interval, self.first_interval * self.growth ** min(poll, 64))
        if not self.jitter:
            return base
        return base * (1 - self.jitter * (rng or random).random())


def _state(value: object) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    return str(getattr(value, "value", value))


class _Progress:
    """The bookkeeping both forms share: classify a status, then say how long to pause (or give up)."""

    def __init__(
        self,
        *,
        success: Collection[str],
        failure: Collection[str],
        resource_id: str,
        policy: WaitPolicy | None,
        clock: Callable[[], float],
    ) -> None:
        self.success = success
        self.failure = failure
        self.resource_id = resource_id
        self.policy = policy or WaitPolicy()
        self.clock = clock
        self.started = clock()
        self.polls = 0
        self.rng = random.Random()

    def final(self, state: str | None, status: object) -> bool:
        """Whether `state` is successful; raises WaitFailedError when it is a failure."""
        if state in self.success:
            logger.debug("%s reached %s after %d poll(s)", self.resource_id, state, self.polls)
            return True
        if state in self.failure:
            raise WaitFailedError(self.resource_id, state or "", status)
        return False

    def pause_after(self, state: str | None, status: object) -> float | None:
        """None when `state` is successful; raises on failure or when the deadline has passed."""
        self.polls += 1
        if self.final(state, status):
            return None
        waited = self.clock() - self.started
        pause = self.policy.interval(self.polls - 1, self.rng)
        if self.policy.deadline is not None:
            remaining = self.policy.deadline - waited
            if remaining <= 0:
                raise WaitTimeoutError(self.resource_id, state, waited)
            pause = min(pause, remaining)  # poll once more right at the deadline
        logger.debug("%s is %s; polling again in %.2f s", self.resource_id, state, pause)
        return pause


def wait_for_state(
    poll: Callable[[], StatusT],
    *,
    state_of: Callable[[StatusT], object],
    success: Collection[str],
    failure: Collection[str],
    resource_id: str,
    policy: WaitPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    initial: StatusT | None = None,
) -> StatusT:
    """Calls `poll` until `state_of` its result is in `success` (returned) or `failure` (raised).

    `initial` is the status the resource was created with, if the creating call answered one: when
    it is final already it is returned (or raised) without a poll.

    Raises:
        WaitFailedError: A failure state was reached; carries the state and the final status.
        WaitTimeoutError: The policy's deadline passed first; carries `resource_id` to wait again later.
    """
    progress = _Progress(success=success, failure=failure, resource_id=resource_id, policy=policy, clock=clock)
    if initial is not None and progress.final(_state(state_of(initial)), initial):
        return initial
    while True:
        status = poll()
        pause = progress.pause_after(_state(state_of(status)), status)
        if pause is None:
            return status
        sleep(pause)


async def wait_for_state_async(
    poll: Callable[[], Awaitable[StatusT]],
    *,
    state_of: Callable[[StatusT], object],
    success: Collection[str],
    failure: Collection[str],
    resource_id: str,
    policy: WaitPolicy | None = None,
    clock: Callable[[], float] = time.monotonic,
    initial: StatusT | None = None,
) -> StatusT:
    """`wait_for_state` for asyncio; cancelling the awaiting task stops it (CancelledError propagates)."""
    progress = _Progress(success=success, failure=failure, resource_id=resource_id, policy=policy, clock=clock)
    if initial is not None and progress.final(_state(state_of(initial)), initial):
        return initial
    while True:
        status = await poll()
        pause = progress.pause_after(_state(state_of(status)), status)
        if pause is None:
            return status
        import asyncio  # imported late: it costs ~70 ms and sync use never needs it

        await asyncio.sleep(pause)


publish(globals(), __all__)
