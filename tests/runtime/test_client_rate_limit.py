"""The client's rate limiter keeps a burst of calls under a limit the emulator enforces."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from genesys_cloud_audit import Client, RateLimiter
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping

from emulator import EmulatorConfig, run_emulator
from emulator.server import Emulator

LIMIT, WINDOW = 10, 1.0
# The client's window has slack over the server's: a request reserved at one moment arrives a little
# later, and on a loaded machine (a whole suite on two cores) that gap has exceeded 100 ms.
CLIENT_WINDOW = WINDOW * 1.5


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    config = EmulatorConfig(
        records=10, data_end=datetime(2026, 11, 1, tzinfo=UTC), rate_limit_rpm=LIMIT, rate_limit_window=WINDOW
    )
    with run_emulator(config) as emu:
        yield emu


def client_for(emu: Emulator, limiter: RateLimiter | None) -> Client:
    return Client(
        base_url=emu.base_url,
        client_id="emulator-client",
        client_secret="emulator-secret",
        rate_limit=limiter,
    )


def test_threads_sharing_a_client_stay_under_the_limit(emulator: Emulator) -> None:
    client = client_for(emulator, RateLimiter(LIMIT, window=CLIENT_WINDOW))

    def worker() -> None:
        for _ in range(5):
            get_audits_query_servicemapping.sync(client=client)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = emulator.stats()
    assert events["rate_limited"] == 0 and events["too_many_requests"] == 0
    assert client.rate_limiter is not None and client.rate_limiter.waited > 0


def test_async_tasks_sharing_a_client_stay_under_the_limit(emulator: Emulator) -> None:
    async def burst() -> None:
        async with client_for(emulator, RateLimiter(LIMIT, window=CLIENT_WINDOW)) as client:
            await asyncio.gather(*(get_audits_query_servicemapping.asyncio(client=client) for _ in range(30)))

    asyncio.run(burst())
    events = emulator.stats()
    assert events["rate_limited"] == 0 and events["too_many_requests"] == 0


def test_without_the_limiter_the_same_burst_is_refused_then_retried(emulator: Emulator) -> None:
    client = client_for(emulator, None)
    for _ in range(LIMIT + 5):
        get_audits_query_servicemapping.sync(client=client)
    assert emulator.stats()["too_many_requests"] > 0
