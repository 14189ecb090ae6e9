"""Helpers for the archive tests: an emulator's data as the archive should hold it, and what it holds."""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from genesys_cloud_audit import Client, RetryPolicy, WaitPolicy

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, EmulatorConfig
from emulator.data import AuditDataset, to_millis
from tests.emulator.emu_helpers import make_config as emulator_config

DATA_START = datetime(2026, 10, 1, tzinfo=UTC)
DATA_END = datetime(2026, 11, 1, tzinfo=UTC)
CLI = [sys.executable, "-m", "genesys_cloud_audit.workflows.cli"]
FAST_RETRY = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)
FAST_WAIT = WaitPolicy(first_interval=0.02, growth=1.5, max_interval=0.1, deadline=60.0)


def make_config(**overrides: Any) -> EmulatorConfig:
    """The emulator's month of October 2026 (the emulator tests' config) with 3,000 records of seed 5,
    each query done at once and no response validation, unless `overrides` say otherwise."""
    settings: dict[str, Any] = {"records": 3000, "seed": 5, "pending_polls": 0, "validate": False}
    return emulator_config(**{**settings, **overrides})


def client_for(emulator: Emulator) -> Client:
    return Client(
        base_url=emulator.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET, retry=FAST_RETRY
    )


def dataset(emulator: Emulator) -> AuditDataset:
    found: AuditDataset = emulator.app.dataset
    return found


def visible_ids(data: AuditDataset, present: datetime | None = None, *, start: datetime = DATA_START) -> set[str]:
    """The ids of the records a query over [start, present] sees at `present` (None: all of them)."""
    first = data.first_index_at_or_after(to_millis(start))
    if present is None:
        return {data.record_id(index) for index in range(first, data.count)}
    moment = to_millis(present)
    return {data.record_id(index) for index in range(first, data.count) if data.visible_ms(index) <= moment}


def archived_ids(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM records ORDER BY seq")]


def integrity(db: Path) -> str:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def hours(count: float) -> timedelta:
    return timedelta(hours=count)
