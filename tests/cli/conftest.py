"""Fixtures: one live emulator on 127.0.0.1 for the CLI tests, reset before each test, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from genesys_cloud_audit import Client

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, run_emulator
from tests.cli.cli_helpers import make_config


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with run_emulator(make_config()) as emu:
        yield emu


@pytest.fixture(autouse=True)
def _clean_emulator(request: pytest.FixtureRequest) -> None:
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").reset()


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Client]:
    """The generated client on the emulator, to compare the CLI's output with."""
    with Client(base_url=emulator.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET) as client:
        yield client
