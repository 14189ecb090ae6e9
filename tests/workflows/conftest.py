"""Fixtures: a live emulator on 127.0.0.1 with a small, fixed data set, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from genesys_cloud_audit import Client, RetryPolicy

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, EmulatorConfig, run_emulator

DATA_START = datetime(2026, 10, 1, tzinfo=UTC)
DATA_END = datetime(2026, 10, 11, tzinfo=UTC)
RECORDS = 1200


@pytest.fixture(scope="session")
def workflow_emulator() -> Iterator[Emulator]:
    config = EmulatorConfig(records=RECORDS, seed=3, data_start=DATA_START, data_end=DATA_END, validate=False,
                            pending_polls=1)  # fmt: skip
    with run_emulator(config) as emu:
        yield emu


@pytest.fixture
def emu(workflow_emulator: Emulator) -> Emulator:
    workflow_emulator.reset()
    return workflow_emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    retry = RetryPolicy(max_attempts=6, initial_backoff=0.01, max_backoff=0.05)
    with Client(base_url=emu.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET,
                retry=retry) as made:  # fmt: skip
        yield made
