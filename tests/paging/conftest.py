"""Fixtures: a live emulator on 127.0.0.1 holding 25,000 records, and clients for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from genesys_cloud_audit import Client, RetryPolicy, WaitPolicy

from emulator import Emulator, EmulatorConfig
from tests.support.clients import emulator_clients, emulator_fixtures

EXPORT_RECORDS = 25_000


@pytest.fixture(scope="session")
def fast_wait() -> WaitPolicy:
    return WaitPolicy(first_interval=0.01, growth=2.0, max_interval=0.05, deadline=30.0)


export_emulator, emu = emulator_fixtures(
    EmulatorConfig(records=EXPORT_RECORDS, seed=11, validate=False), name="export_emulator"
)


@pytest.fixture
def make_client() -> Iterator[Callable[[Emulator], Client]]:
    yield from emulator_clients(retry=RetryPolicy(max_attempts=8, initial_backoff=0.01, max_backoff=0.05))


@pytest.fixture
def client(emu: Emulator, make_client: Callable[[Emulator], Client]) -> Client:
    return make_client(emu)


@pytest.fixture
def span(emu: Emulator) -> tuple[datetime, datetime]:
    """The interval holding every record of the emulator."""
    return emu.config.span_start, emu.config.data_end


@pytest.fixture
def expected_ids(emu: Emulator) -> list[str]:
    """Every record id in ascending time order, as the emulator's own data set defines them."""
    return [str(emu.app.dataset.record(index)["id"]) for index in range(EXPORT_RECORDS)]
