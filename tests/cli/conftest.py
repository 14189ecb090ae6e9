"""Fixtures: one live emulator on 127.0.0.1 for the CLI tests, reset before each test, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from genesys_cloud_audit import Client

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator
from tests.cli.cli_helpers import make_config
from tests.support.clients import shared_emulator

emulator, _clean_emulator = shared_emulator(make_config)


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Client]:
    """The generated client on the emulator, to compare the CLI's output with."""
    with Client(base_url=emulator.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET) as client:
        yield client
