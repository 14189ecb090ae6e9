"""The shared rate limiter, on a fake clock (no sleeping)."""

from __future__ import annotations

import threading

import pytest
from genesys_cloud_audit._core._ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def send_times(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    """When each of `count` back-to-back requests may go out."""
    return [clock.now + limiter.reserve() for _ in range(count)]


def test_up_to_the_limit_goes_at_once() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, clock=clock)
    assert set(send_times(limiter, clock, 300)) == {1000.0}
    assert limiter.waited == 0.0


def test_beyond_the_limit_waits_for_the_window_to_slide() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, window=10.0, clock=clock)
    assert send_times(limiter, clock, 7) == pytest.approx([1000, 1000, 1000, 1010, 1010, 1010, 1020])


def test_no_window_ever_exceeds_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, clock=clock)
    times: list[float] = []
    for step in range(2000):
        clock.now = 1000.0 + step * 0.05  # requests arriving at 1200 a minute
        times.append(clock.now + limiter.reserve())
    times.sort()
    worst = max(sum(1 for t in times[i:] if t < start + 60.0) for i, start in enumerate(times))
    assert worst == 300


def test_idle_time_frees_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, window=60.0, clock=clock)
    send_times(limiter, clock, 2)
    clock.now += 3600
    assert send_times(limiter, clock, 3) == pytest.approx([4600.0, 4600.0, 4660.0])


def test_threads_share_one_schedule() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, window=60.0, clock=clock)
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
    expected = [0.0] * 100 + [60.0] * 100 + [120.0] * 100 + [180.0] * 100
    assert sorted(delays) == pytest.approx(expected)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(10, window=0)
