"""Fixtures: a live emulator on 127.0.0.1 that enforces a (time-compressed) rate limit, and clients for it.

The emulator allows 40 requests per 4 s per token; the client limits itself to 40 per 5 s: a margin wide
enough that a machine busy with other tests (a request reserved at once can reach the server late, after
the ones behind it) still never bunches 41 into a server window. Queries take 0.3 s to run, like the API.
A module with an emulator of its own (`emu`) takes `client`: one with no rate limit of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from genesys_cloud_audit import Client, WaitPolicy
from genesys_cloud_audit._core._ratelimit import RateLimiter

from emulator import Emulator, EmulatorConfig
from tests.support.clients import emulator_clients, emulator_fixtures

END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=90)
RECORDS = 6000


limited_emulator, emu = emulator_fixtures(
    EmulatorConfig(
        records=RECORDS,
        seed=5,
        data_start=START,
        data_end=END,
        validate=False,
        pending_polls=0,
        succeed_after_seconds=0.3,
        rate_limit_rpm=40,
        rate_limit_window=4.0,
    ),
    name="limited_emulator",
)


@pytest.fixture(scope="session")
def wait_policy() -> WaitPolicy:
    return WaitPolicy(first_interval=0.3, growth=1.5, max_interval=1.0, deadline=30.0)


@pytest.fixture
def make_client() -> Iterator[Callable[[Emulator], Client]]:
    yield from emulator_clients(rate_limit=RateLimiter(40, window=5.0))


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    """A client of the module's `emu` with no rate limit of its own."""
    for make in emulator_clients(rate_limit=None):
        yield make(emu)
