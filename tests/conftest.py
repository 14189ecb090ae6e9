"""Shared fixtures: a scripted loopback HTTP server (see tests/support/scripted_server.py)."""

from collections.abc import Iterator

import pytest

from tests.support.scripted_server import ScriptedServer, serving


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    yield from serving()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (scripts/test.sh runs -n auto --dist loadgroup), the corpus tests share one worker,
    so that the corpus is generated once, not once per worker."""
    for item in items:
        if item.nodeid.startswith("tests/corpus/"):
            item.add_marker(pytest.mark.xdist_group("corpus"))
