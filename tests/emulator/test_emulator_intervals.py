"""Intervals the emulator reads (a duration on one side, resolved as the client resolves it), the
realtime query's window of 14 days, and the command line's checks of its options."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from genesys_cloud_audit.workflows._query_args import format_interval

from emulator import Emulator, parse_fault
from tests.emulator.emu_helpers import DATA_END, WHOLE_SPAN, run_query, walk_results

ROOT = pathlib.Path(__file__).resolve().parents[2]
REALTIME = "/api/v2/audits/query/realtime"


def ids(client: httpx.Client, interval: str) -> list[str]:
    return [record["id"] for record in walk_results(client, run_query(client, {"interval": interval}), pageSize=500)]


@pytest.mark.parametrize(
    "interval",
    [
        "P7D/2026-10-12T00:00:00Z",
        "2026-10-05T00:00:00Z/P1W",
        "P1M/2026-10-31T00:00:00Z",
        "PT36H/2026-10-03T12:00:00Z",
        "2026-10-10T00:00:00Z/P1DT0.5S",
    ],
)
def test_a_duration_side_selects_what_the_client_resolves_it_to(client: httpx.Client, interval: str) -> None:
    resolved = format_interval(interval)
    assert resolved != interval and not any(half.startswith("P") for half in resolved.split("/"))
    assert ids(client, interval) == ids(client, resolved)
    status = client.post("/api/v2/audits/query", json={"interval": interval}).json()
    assert status["interval"] == interval  # echoed as given


@pytest.mark.parametrize(
    "interval",
    [
        "Pgarbage/2026-10-12T00:00:00Z",
        "PT-5H/2026-10-12T00:00:00Z",
        "P/2026-10-12T00:00:00Z",
        "P1D/P1D",
        "P1.5M/2026-10-12T00:00:00Z",
        "2026-10-12T00:00:00Z/P9000Y",
        "P0D/2026-10-12T00:00:00Z",
    ],
)
def test_a_duration_the_rule_refuses_is_answered_400(client: httpx.Client, interval: str) -> None:
    for path in ("/api/v2/audits/query", REALTIME):
        response = client.post(path, json={"interval": interval})
        assert response.status_code == 400 and response.json()["code"] == "invalid.date", (path, response.text)


def test_realtime_queries_reach_back_14_days(client: httpx.Client, emulator: Emulator) -> None:
    window = format_interval((DATA_END - timedelta(days=14), DATA_END))  # the last 14 days of the data
    recent = ids(client, window)
    assert 0 < len(recent) < emulator.app.dataset.count
    whole = client.post(REALTIME, json={"interval": WHOLE_SPAN, "pageSize": 500}).json()
    assert whole["total"] == len(recent)
    older = client.post(REALTIME, json={"interval": "2026-10-01T00:00:00Z/2026-10-18T00:00:00Z"}).json()
    assert older["total"] == 0 and older["entities"] == []
    seen: list[str] = []
    for number in range(1, whole["pageCount"] + 1):
        page = client.post(REALTIME, json={"interval": WHOLE_SPAN, "pageSize": 500, "pageNumber": number}).json()
        seen.extend(record["id"] for record in page["entities"])
    assert seen == recent
    client.patch("/_emulator/config", json={"realtime_days": None}).raise_for_status()  # reaching back without end
    assert client.post(REALTIME, json={"interval": WHOLE_SPAN}).json()["total"] == emulator.app.dataset.count
    assert client.patch("/_emulator/config", json={"realtime_days": 0}).status_code == 400


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (["--port", "99999"], "--port: expected a whole number from 0 to 65535"),
        (["--port", "x"], "--port: expected a whole number"),
        (["--fault", "503:path=("], "is not a regular expression"),
        (["--fault", "delay:seconds=nan"], "seconds must be a finite number"),
        (["--fault", "delay:seconds=soon"], "fault option seconds needs a number"),
        (["--fault", "503:count=many"], "fault option count needs a number"),
        (["--succeed-after", "nan"], "--succeed-after: expected a finite number"),
        (["--rate-limit-window", "inf"], "--rate-limit-window: expected a finite number"),
        (["--records", "-1"], "--records: expected a whole number from 0"),
        (["--pending-polls", "-2"], "--pending-polls: expected a whole number from 0"),
        (["--record-cache", "-1"], "--record-cache"),
        (["--realtime-days", "0"], "--realtime-days: expected a whole number from 1"),
        (["--data-start", "2026-12-01T00:00:00Z", "--data-end", "2026-11-01T00:00:00Z"], "data_start must be before"),
    ],
)
def test_a_bad_option_is_a_usage_error_never_a_traceback(option: list[str], problem: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", *option],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert problem in result.stderr and "Traceback" not in result.stderr


def test_the_control_api_refuses_a_fault_it_cannot_use(client: httpx.Client) -> None:
    for spec in ("503:path=(", "delay:seconds=nan"):
        assert client.post("/_emulator/faults", json={"spec": spec}).status_code == 400
    for fields in (b'{"kind": "delay", "seconds": 1e999}', b'{"kind": 503, "path": "["}'):  # 1e999 reads as inf
        response = client.post("/_emulator/faults", content=fields, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text
    with pytest.raises(ValueError, match="finite"):
        parse_fault("delay:seconds=inf")


def test_the_realtime_window_ends_at_the_emulators_present(client: httpx.Client, emulator: Emulator) -> None:
    present = DATA_END - timedelta(days=10)
    client.patch("/_emulator/config", json={"now": present.isoformat()}).raise_for_status()
    window = format_interval((present - timedelta(days=14), present))
    whole = client.post(REALTIME, json={"interval": WHOLE_SPAN, "pageSize": 500}).json()
    assert 0 < whole["total"] == len(ids(client, window))


def test_a_reset_puts_every_runtime_setting_back(client: httpx.Client, emulator: Emulator) -> None:
    before = client.get("/_emulator/config").json()
    client.patch("/_emulator/config", json={"realtime_days": None, "pending_polls": 9}).raise_for_status()
    client.post("/_emulator/reset").raise_for_status()
    assert client.get("/_emulator/config").json() == before
