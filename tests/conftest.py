"""Shared fixtures: a scripted loopback HTTP server (see tests/support/scripted_server.py)."""

from collections.abc import Iterator

import pytest

from tests.support.scripted_server import ScriptedServer, serving


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    yield from serving()
