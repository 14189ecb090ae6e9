"""The waiter (runtime/core/_waiter.py): its schedule, deadline, failure states and cancellation, on a fake clock."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Collection, Iterator
from typing import Any

import pytest
from genesys_cloud_audit import WaitFailedError, WaitPolicy, WaitTimeoutError
from genesys_cloud_audit._core._waiter import wait_for_state, wait_for_state_async
from genesys_cloud_audit.types import UNSET

#: The states of a wait that ends Succeeded or Failed, each state its own name.
SUCCEEDED_OR_FAILED: dict[str, Any] = {"state_of": lambda s: s, "success": {"Succeeded"}, "failure": {"Failed"}}


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def wait(
        self,
        poll: Callable[[], object],
        *,
        failure: Collection[str] = ("Failed",),
        resource_id: str = "job",
        policy: WaitPolicy | None = None,
        state_of: Callable[[Any], object] = lambda status: status,
    ) -> object:
        """`wait_for_state` on this clock, until Succeeded."""
        return wait_for_state(
            poll,
            state_of=state_of,
            success={"Succeeded"},
            failure=failure,
            resource_id=resource_id,
            policy=policy or NO_JITTER,
            clock=self.clock,
            sleep=self.sleep,
        )


def states(*values: object) -> Iterator[object]:
    yield from values


NO_JITTER = WaitPolicy(first_interval=1.0, growth=2.0, max_interval=5.0, deadline=None, jitter=0.0)


def test_intervals_grow_by_the_factor_up_to_the_cap() -> None:
    assert [NO_JITTER.interval(n) for n in range(6)] == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert WaitPolicy(first_interval=0.0, jitter=0.0).interval(3) == 0.0
    assert WaitPolicy(jitter=0.0).interval(10_000) == 10.0  # no overflow for very long waits


def test_jitter_only_shortens_an_interval() -> None:
    policy = WaitPolicy(first_interval=2.0, growth=1.0, jitter=0.25)
    rng = random.Random(7)
    samples = [policy.interval(0, rng) for _ in range(200)]
    assert all(1.5 <= sample <= 2.0 for sample in samples)
    assert len(set(samples)) > 100


@pytest.mark.parametrize(
    "arguments",
    [{"first_interval": -1.0}, {"max_interval": -0.1}, {"growth": 0.5}, {"deadline": -1.0}, {"jitter": 1.0}],
)
def test_bad_policies_are_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        WaitPolicy(**arguments)


def test_success_returns_the_final_status_after_the_schedule() -> None:
    fake = FakeTime()
    polled = states("Queued", "Running", "Running", "Succeeded")
    status = fake.wait(lambda: next(polled), resource_id="job-1")
    assert status == "Succeeded"
    assert fake.pauses == [1.0, 2.0, 4.0]


def test_enum_states_are_compared_by_value_and_unset_is_no_state() -> None:
    class State:
        def __init__(self, value: str) -> None:
            self.value = value

    fake = FakeTime()
    polled = states(UNSET, None, State("Succeeded"))
    result = fake.wait(lambda: next(polled), failure=())
    assert isinstance(result, State)
    assert len(fake.pauses) == 2


@pytest.mark.parametrize("final", ["Failed", "Cancelled"])
def test_a_failure_state_raises_with_the_state_and_the_last_poll(final: str) -> None:
    fake = FakeTime()
    polled = states({"state": "Running"}, {"state": final, "why": "x"})
    with pytest.raises(WaitFailedError) as caught:
        fake.wait(
            lambda: next(polled), state_of=lambda s: s["state"], failure={"Failed", "Cancelled"}, resource_id="job-2"
        )
    assert (caught.value.resource_id, caught.value.state) == ("job-2", final)
    assert caught.value.resource == {"state": final, "why": "x"}
    assert fake.pauses == [1.0]


def test_the_deadline_cuts_the_last_pause_and_raises_with_the_id() -> None:
    fake = FakeTime()
    policy = WaitPolicy(first_interval=1.0, growth=2.0, max_interval=5.0, deadline=10.0, jitter=0.0)
    polls: list[float] = []

    def poll() -> str:
        polls.append(fake.now)
        return "Running"

    with pytest.raises(WaitTimeoutError) as caught:
        fake.wait(poll, resource_id="job-3", policy=policy)
    assert fake.pauses == [1.0, 2.0, 4.0, 3.0]  # polled once more right at the deadline
    assert polls[-1] == 110.0
    error = caught.value
    assert (error.resource_id, error.last_state, error.waited) == ("job-3", "Running", 10.0)
    assert "job-3" in str(error) and "Running" in str(error)


def test_a_zero_deadline_polls_once() -> None:
    fake = FakeTime()
    with pytest.raises(WaitTimeoutError):
        fake.wait(lambda: "Queued", policy=WaitPolicy(deadline=0.0))
    assert fake.pauses == []


def test_the_async_form_follows_the_same_schedule() -> None:
    fake = FakeTime()
    polled = states("Queued", "Running", "Succeeded")

    async def poll() -> object:
        return next(polled)

    policy = WaitPolicy(first_interval=0.001, growth=2.0, max_interval=0.002, deadline=None, jitter=0.0)
    result = asyncio.run(
        wait_for_state_async(
            poll,
            **SUCCEEDED_OR_FAILED,
            resource_id="a",
            policy=policy,
            clock=fake.clock,
        )
    )
    assert result == "Succeeded"

    failing = states("Running", "Failed")

    async def poll_failing() -> object:
        return next(failing)

    with pytest.raises(WaitFailedError):
        asyncio.run(
            wait_for_state_async(
                poll_failing, state_of=lambda s: s, success=set(), failure={"Failed"}, resource_id="b", policy=policy
            )
        )


def test_the_async_form_stops_when_its_task_is_cancelled() -> None:
    polls = 0

    async def poll() -> str:
        nonlocal polls
        polls += 1
        return "Running"

    async def run() -> None:
        policy = WaitPolicy(first_interval=0.01, growth=1.0, deadline=None)
        task = asyncio.create_task(
            wait_for_state_async(
                poll, state_of=lambda s: s, success={"Succeeded"}, failure=set(), resource_id="c", policy=policy
            )
        )
        while polls < 3:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = polls
        await asyncio.sleep(0.05)
        assert polls == seen  # nothing polls after the cancellation

    asyncio.run(run())


def test_the_default_schedule_polls_at_once_then_from_a_tenth_of_a_second() -> None:
    policy = WaitPolicy(jitter=0.0)
    assert [round(policy.interval(n), 4) for n in range(4)] == [0.1, 0.15, 0.225, 0.3375]
    fake = FakeTime()
    polls: list[float] = []

    def poll() -> str:
        polls.append(fake.now - 100.0)
        return "Succeeded" if len(polls) == 4 else "Running"

    fake.wait(poll, policy=policy)
    assert [round(at, 4) for at in polls] == [0.0, 0.1, 0.25, 0.475]


def test_a_final_initial_status_is_answered_without_polling() -> None:
    fake = FakeTime()

    def poll() -> str:
        raise AssertionError("polled")

    def wait(initial: str) -> str:
        return wait_for_state(
            poll,
            **SUCCEEDED_OR_FAILED,
            resource_id="d",
            initial=initial,
            clock=fake.clock,
            sleep=fake.sleep,
        )

    assert wait("Succeeded") == "Succeeded"
    with pytest.raises(WaitFailedError) as caught:
        wait("Failed")
    assert caught.value.state == "Failed"

    async def poll_async() -> str:
        raise AssertionError("polled")

    assert (
        asyncio.run(
            wait_for_state_async(
                poll_async,
                state_of=lambda s: s,
                success={"Succeeded"},
                failure=(),
                resource_id="d",
                initial="Succeeded",
            )
        )
        == "Succeeded"
    )
    assert fake.pauses == []


def test_a_pending_initial_status_is_followed_by_an_immediate_poll() -> None:
    fake = FakeTime()
    polled = states("Running", "Succeeded")
    result = wait_for_state(
        lambda: next(polled),
        state_of=lambda s: s,
        success={"Succeeded"},
        failure=(),
        resource_id="e",
        policy=NO_JITTER,
        initial="Queued",
        clock=fake.clock,
        sleep=fake.sleep,
    )
    assert result == "Succeeded" and fake.pauses == [1.0]
