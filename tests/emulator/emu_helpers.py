"""Helpers shared by the emulator tests (plain functions, no fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig

DATA_START = datetime(2026, 10, 1, tzinfo=UTC)
DATA_END = datetime(2026, 11, 1, tzinfo=UTC)
WHOLE_SPAN = "2026-10-01T00:00:00.000Z/2026-11-01T00:00:00.000Z"


def make_config(**overrides: Any) -> EmulatorConfig:
    settings: dict[str, Any] = {
        "records": 2000,
        "seed": 7,
        "data_start": DATA_START,
        "data_end": DATA_END,
    }
    settings.update(overrides)
    return EmulatorConfig(**settings)


def get_token(client: httpx.Client) -> str:
    response = client.post(
        "/oauth/token",
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def run_query(client: httpx.Client, body: dict[str, Any]) -> str:
    """Create a query, poll until it has ended, return its transaction id."""
    created = client.post("/api/v2/audits/query", json=body)
    assert created.status_code == 202, created.text
    tx: str = created.json()["id"]
    for _ in range(50):
        status = client.get(f"/api/v2/audits/query/{tx}")
        if status.status_code == 200:
            assert status.json()["state"] == "Succeeded"
            return tx
        assert status.status_code == 202
    raise AssertionError("query never ended")


def walk_results(client: httpx.Client, tx: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of a query, following cursors to the last page."""
    records: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100_000):
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = client.get(f"/api/v2/audits/query/{tx}/results", params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        records.extend(body["entities"])
        cursor = body.get("cursor")
        if cursor is None:
            return records
    raise AssertionError("paging never ended")
