"""Fixtures: a live emulator on 127.0.0.1, an httpx client and a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from emulator import Emulator, run_emulator
from tests.emulator.emu_helpers import get_token, make_config


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with run_emulator(make_config()) as emu:
        yield emu


@pytest.fixture(autouse=True)
def _clean_emulator(request: pytest.FixtureRequest) -> None:
    """Each test that uses the shared emulator starts from its start state."""
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").reset()


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
