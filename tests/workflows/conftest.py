"""Fixtures: a live emulator on 127.0.0.1 with a small, fixed data set (reset for each test), and a client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from genesys_cloud_audit import Client, RetryPolicy, WaitPolicy

from emulator import Emulator, EmulatorConfig
from tests.support.clients import emulator_clients, emulator_fixtures

DATA_START = datetime(2026, 10, 1, tzinfo=UTC)
DATA_END = datetime(2026, 10, 11, tzinfo=UTC)
RECORDS = 1200
CONFIG = EmulatorConfig(
    records=RECORDS, seed=3, data_start=DATA_START, data_end=DATA_END, validate=False, pending_polls=1
)
SPAN = (DATA_START, DATA_END)
FAST = WaitPolicy(first_interval=0.01, growth=1.0, deadline=30.0)


def expected_ids(emu: Emulator) -> list[str]:
    """Every record's id, in the data set's (ascending) order."""
    return [str(emu.app.dataset.record(index)["id"]) for index in range(RECORDS)]


workflow_emulator, emu = emulator_fixtures(CONFIG, name="workflow_emulator")


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    for make in emulator_clients(retry=RetryPolicy(max_attempts=6, initial_backoff=0.01, max_backoff=0.05)):
        yield make(emu)
