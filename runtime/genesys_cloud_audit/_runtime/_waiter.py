"""Polls a long-running resource until it reaches a final state, backing off between polls.

Generated `wait` / `wait_async` helpers build these from the spec's x-waiter extension.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from ..types import Unset
from ._errors import WaitFailedError, WaitTimeoutError
from ._logging import logger

__all__ = ["WaitPolicy", "wait_for_state", "wait_for_state_async"]

StatusT = TypeVar("StatusT")


@dataclass(frozen=True)
class WaitPolicy:
    """How to poll: the first interval, its growth and cap (seconds), and the overall deadline."""

    first_interval: float = 0.5
    growth: float = 1.5
    max_interval: float = 10.0
    deadline: float | None = 600.0

    def intervals(self, rng: random.Random) -> Callable[[int], float]:
        def interval(poll: int) -> float:
            base = min(self.max_interval, self.first_interval * self.growth**poll)
            return base * rng.uniform(0.8, 1.0)

        return interval


def _state(value: object) -> str | None:
    if value is None or isinstance(value, Unset):
        return None
    return str(value)


def wait_for_state(
    poll: Callable[[], StatusT],
    *,
    state_of: Callable[[StatusT], object],
    success: Collection[str],
    failure: Collection[str],
    resource_id: str,
    policy: WaitPolicy | None = None,
) -> StatusT:
    """Calls `poll` until `state_of` its result is in `success` (returned) or `failure` (raised)."""
    policy = policy or WaitPolicy()
    interval = policy.intervals(random.Random())
    started = time.monotonic()
    polls = 0
    while True:
        status = poll()
        state = _state(state_of(status))
        if state in success:
            return status
        if state in failure:
            raise WaitFailedError(resource_id, state or "", status)
        waited = time.monotonic() - started
        pause = interval(polls)
        if policy.deadline is not None and waited + pause > policy.deadline:
            raise WaitTimeoutError(resource_id, state, waited)
        logger.debug("%s is %s; polling again in %.2f s", resource_id, state, pause)
        time.sleep(pause)
        polls += 1


async def wait_for_state_async(
    poll: Callable[[], Awaitable[StatusT]],
    *,
    state_of: Callable[[StatusT], object],
    success: Collection[str],
    failure: Collection[str],
    resource_id: str,
    policy: WaitPolicy | None = None,
) -> StatusT:
    """`wait_for_state` for asyncio; cancelling the awaiting task stops it."""
    policy = policy or WaitPolicy()
    interval = policy.intervals(random.Random())
    started = time.monotonic()
    polls = 0
    while True:
        status = await poll()
        state = _state(state_of(status))
        if state in success:
            return status
        if state in failure:
            raise WaitFailedError(resource_id, state or "", status)
        waited = time.monotonic() - started
        pause = interval(polls)
        if policy.deadline is not None and waited + pause > policy.deadline:
            raise WaitTimeoutError(resource_id, state, waited)
        logger.debug("%s is %s; polling again in %.2f s", resource_id, state, pause)
        await asyncio.sleep(pause)
        polls += 1
