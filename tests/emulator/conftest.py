"""Fixtures: a live emulator on 127.0.0.1, an httpx client and a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from emulator import Emulator
from tests.emulator.emu_helpers import get_token, make_config
from tests.support.clients import shared_emulator

emulator, _clean_emulator = shared_emulator(make_config)  # each test that uses it starts from its start state


@pytest.fixture
def anon(emulator: Emulator) -> Iterator[httpx.Client]:
    """A client without a token."""
    with httpx.Client(base_url=emulator.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def client(emulator: Emulator, anon: httpx.Client) -> httpx.Client:
    """A client with a valid bearer token."""
    anon.headers["Authorization"] = f"Bearer {get_token(anon)}"
    return anon
