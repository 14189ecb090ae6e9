"""Helpers shared by runtime tests: a client pointed at a scripted server, with tiny backoffs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys_cloud_audit import Client, RetryPolicy

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, EmulatorConfig, run_emulator
from tests.support.scripted_server import ScriptedServer, token_issuer

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "FAST_RETRY",
    "emulator_clients",
    "emulator_fixtures",
    "make_client",
    "serve",
    "shared_emulator",
]

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "s3cr3t-DO-NOT-LEAK-7f1e"
FAST_RETRY = RetryPolicy(max_attempts=4, deadline=30.0, initial_backoff=0.001, max_backoff=0.01)


def make_client(server: ScriptedServer, *, issue_tokens: bool = True, **overrides: Any) -> Client:
    """A Client on `server` with client credentials; the server hands out tokens unless told not to."""
    if issue_tokens:
        server.set_default("POST", "/oauth/token", token_issuer())
    settings: dict[str, Any] = {
        "base_url": server.base_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "retry": FAST_RETRY,
        "timeout": 5.0,
    }
    settings.update(overrides)
    return Client(**settings)


def emulator_clients(**settings: Any) -> Iterator[Callable[[Emulator], Client]]:
    """For a fixture: makes clients with the emulator's credentials and `settings`, closing them after."""
    made: list[Client] = []

    def make(emulator: Emulator) -> Client:
        client = Client(
            base_url=emulator.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET, **settings
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def serve(config: EmulatorConfig) -> Iterator[Emulator]:
    """For a session fixture: an emulator on 127.0.0.1 serving `config` until the session ends."""
    with run_emulator(config) as emulator:
        yield emulator


def shared_emulator(config: Callable[[], EmulatorConfig]) -> tuple[Any, Any]:
    """For a conftest: `emulator`, one emulator on 127.0.0.1 serving `config()` for the session, and an
    autouse fixture that resets it before each test that uses it (`emulator, _clean = shared_emulator(...)`)."""

    @pytest.fixture(scope="session", name="emulator")
    def emulator() -> Iterator[Emulator]:
        yield from serve(config())

    @pytest.fixture(autouse=True)
    def clean(request: pytest.FixtureRequest) -> None:
        if "emulator" in request.fixturenames:
            request.getfixturevalue("emulator").reset()

    return emulator, clean


def emulator_fixtures(config: EmulatorConfig, *, name: str, scope: str = "session") -> tuple[Any, Any]:
    """For a conftest or test module: the fixture `name`, one emulator on 127.0.0.1 serving `config` for
    `scope`, and `emu`, that emulator reset to its start state (queries, faults, counts) for each test
    (`served, emu = emulator_fixtures(CONFIG, name="served")`)."""

    @pytest.fixture(scope=scope, name=name)
    def served() -> Iterator[Emulator]:
        yield from serve(config)

    @pytest.fixture(name="emu")
    def emu(request: pytest.FixtureRequest) -> Emulator:
        emulator: Emulator = request.getfixturevalue(name)
        emulator.reset()
        return emulator

    return served, emu
