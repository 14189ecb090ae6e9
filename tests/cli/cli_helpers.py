"""Helpers for the CLI tests: run `genesys-audit` as a subprocess against a loopback emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig

DATA_START = datetime(2026, 10, 1, tzinfo=UTC)
DATA_END = datetime(2026, 11, 1, tzinfo=UTC)
WHOLE_SPAN = "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z"
RECORDS = 1800
CLI = [sys.executable, "-m", "genesys_cloud_audit.workflows.cli"]


def query_args(server: Any, output: str | Path, *options: str) -> list[str]:
    """`genesys-audit query` against `server` (an emulator or a scripted server) into `output`, with
    `options` (the whole span unless they give an `--interval`)."""
    span = () if "--interval" in options else ("--interval", WHOLE_SPAN)
    return ["query", "--base-url", server.base_url, *span, "--output", str(output), *options]


def written(args: Sequence[str], output: Path) -> bytes:
    """The bytes a successful export with `args` writes to `output`."""
    result = run_cli(args)
    assert result.returncode == 0, result.stderr
    return output.read_bytes()


def make_config(**overrides: Any) -> EmulatorConfig:
    settings: dict[str, Any] = {
        "records": RECORDS,
        "seed": 11,
        "data_start": DATA_START,
        "data_end": DATA_END,
        "pending_polls": 1,
        "validate": False,  # spec validation of every page is slow; the emulator's own tests cover it
    }
    settings.update(overrides)
    return EmulatorConfig(**settings)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYSCLOUD_")}
    env.update(GENESYSCLOUD_OAUTHCLIENT_ID=DEFAULT_CLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET=DEFAULT_CLIENT_SECRET)
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env or cli_env(), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def start_cli(args: Sequence[str], *, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args], env=env or cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def read_checkpoint(output: Path) -> dict[str, Any] | None:
    path = output.with_name(output.name + ".checkpoint.json")
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data


def wait_for_pages(output: Path, pages: int, process: subprocess.Popen[str], timeout: float = 30) -> dict[str, Any]:
    """Polls the checkpoint until it records `pages` pages (the export keeps running meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        checkpoint = read_checkpoint(output)
        if checkpoint is not None and checkpoint["file"]["pages"] >= pages:
            return checkpoint
        assert process.poll() is None, f"the export ended early: {process.communicate()}"
        time.sleep(0.02)
    raise AssertionError(f"no checkpoint with {pages} pages within {timeout} s")


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_finished(output: Path, expected: bytes) -> None:
    """The export to `output` completed with `expected`, leaving neither checkpoint nor partial file."""
    assert output.read_bytes() == expected
    assert not output.with_name(output.name + ".checkpoint.json").exists()
    assert not output.with_name(output.name + ".partial").exists()


def kill_midway(args: Sequence[str], output: Path, pages: int, how: signal.Signals) -> None:
    """Starts the export, stops it with `how` once `pages` pages are checkpointed, and tears the partial
    file as a page cut off midway would (the resume must drop those bytes)."""
    process = start_cli(args)
    wait_for_pages(output, pages, process)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=30)
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert "--resume" in stderr and "Traceback" not in stderr
    assert not output.exists()
    with open(output.with_name(output.name + ".partial"), "ab") as partial:
        partial.write(b'{"torn": ')
