"""``python -m emulator``: starts, prints its URL, serves, stops cleanly."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys

import httpx
import pytest

from tests.emulator.emu_helpers import get_token
from tests.support.emulator_process import start_emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_and_stops_cleanly(signum: int) -> None:
    process, url = start_emulator(
        "--records",
        "500",
        "--seed",
        "3",
        "--data-end",
        "2026-11-01T00:00:00Z",
        "--fault",
        "503:path=realtime/servicemapping:count=1",
        "--rate-limit",
        "100",
    )
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            client.headers["Authorization"] = f"Bearer {get_token(client)}"
            assert client.get("/api/v2/audits/query/realtime/servicemapping").status_code == 503
            assert client.get("/api/v2/audits/query/realtime/servicemapping").status_code == 200
            page = client.post(
                "/api/v2/audits/query/realtime",
                json={"interval": "2026-10-18T00:00:00Z/2026-11-01T00:00:00Z"},  # the realtime window: 14 days
            ).json()
            assert 0 < page["total"] < 500
            config = client.get("/_emulator/config").json()
            assert config["rate_limit_rpm"] == 100 and config["seed"] == 3
    finally:
        process.send_signal(signum)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err


def test_cli_help_documents_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--help"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=True,
    )
    for option in [
        "--port",
        "--records",
        "--seed",
        "--data-end",
        "--data-start",
        "--client-id",
        "--client-secret",
        "--token-ttl",
        "--token-max-requests",
        "--pending-polls",
        "--succeed-after",
        "--fail-queries",
        "--fault",
        "--rate-limit",
        "--rate-limit-window",
        "--no-validate",
        "--lenient",
        "--log-requests",
        "--redirect-over",
        "--realtime-days",
    ]:
        assert option in result.stdout


def test_cli_rejects_bad_fault() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--fault", "explode"],
        check=False,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "explode" in result.stderr
