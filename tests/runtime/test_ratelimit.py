"""The shared rate limiter, on a fake clock (no sleeping)."""

from __future__ import annotations

import threading

import pytest
from genesys_cloud_audit._runtime._ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def send_times(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    """When each of `count` back-to-back requests may go out."""
    return [clock.now + limiter.reserve() for _ in range(count)]


def test_requests_are_spaced_to_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, clock=clock)
    times = send_times(limiter, clock, 5)
    assert times == pytest.approx([1000.0, 1000.2, 1000.4, 1000.6, 1000.8])


def test_a_burst_goes_at_once_then_spacing_resumes() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, burst=3, clock=clock)
    times = send_times(limiter, clock, 5)
    assert times == pytest.approx([1000.0, 1000.0, 1000.0, 1001.0, 1002.0])


def test_no_minute_window_exceeds_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, burst=10, clock=clock)
    times = sorted(send_times(limiter, clock, 2000))
    worst = max(sum(1 for t in times[i:] if t < start + 60.0) for i, start in enumerate(times))
    assert worst <= 300 + 10 - 1


def test_idle_time_is_not_banked_beyond_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, burst=2, clock=clock)
    send_times(limiter, clock, 2)
    clock.now += 3600
    assert send_times(limiter, clock, 3) == pytest.approx([4600.0, 4600.0, 4601.0])


def test_threads_share_one_schedule() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, clock=clock)
    delays: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            delay = limiter.reserve()
            with lock:
                delays.append(delay)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == pytest.approx([i * 0.1 for i in range(400)])


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(10, burst=0)
