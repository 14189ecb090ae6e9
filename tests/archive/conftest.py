"""Fixtures: an emulator on 127.0.0.1 per test (the archive tests move its present and shape its data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator import Emulator, run_emulator
from tests.archive.archive_helpers import make_config


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with run_emulator(make_config()) as served:
        yield served
