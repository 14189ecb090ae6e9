"""Interrupted exports (error, SIGINT, SIGKILL, vanished query) resume to exactly what a clean run writes."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from emulator import Emulator
from tests.cli.cli_helpers import WHOLE_SPAN, assert_finished, kill_midway, read_checkpoint, run_cli, start_cli


def export_args(emulator: Emulator, output: Path, *extra: str, command: str = "query") -> list[str]:
    return [
        command,
        "--base-url",
        emulator.base_url,
        "--interval",
        WHOLE_SPAN,
        "--page-size",
        "100",
        "--output",
        str(output),
        *extra,
    ]


def clean_run(emulator: Emulator, output: Path, *extra: str, command: str = "query") -> bytes:
    result = run_cli(export_args(emulator, output, *extra, command=command))
    assert result.returncode == 0, result.stderr
    return output.read_bytes()


@pytest.mark.parametrize(("command", "fmt"), [("query", "jsonl"), ("query", "csv"), ("realtime", "jsonl")])
def test_export_stopped_by_an_error_resumes_exactly(emulator: Emulator, tmp_path: Path, command: str, fmt: str) -> None:
    expected = clean_run(emulator, tmp_path / "clean", "--format", fmt, command=command)
    output = tmp_path / "audit"
    route = "/results" if command == "query" else "/realtime"
    emulator.add_fault(f"400:path={route}:skip=3:count=1")
    failed = run_cli(export_args(emulator, output, "--format", fmt, command=command))
    assert failed.returncode == 1
    assert "HTTP 400" in failed.stderr and "--resume" in failed.stderr
    assert not output.exists()
    checkpoint = read_checkpoint(output)
    assert checkpoint is not None and checkpoint["file"]["pages"] == 3 and checkpoint["file"]["records"] == 300
    resumed = run_cli(export_args(emulator, output, "--format", fmt, "--resume", command=command))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_killed_export_resumes_exactly(emulator: Emulator, tmp_path: Path, how: signal.Signals) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("delay:path=/results:seconds=0.15")  # slow pages, so the kill lands midway
    kill_midway(export_args(emulator, output), output, 3, how)
    emulator.reset()
    resumed = run_cli(export_args(emulator, output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)


def test_resume_runs_a_vanished_query_again(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=4:count=1")
    assert run_cli(export_args(emulator, output)).returncode == 1
    emulator.reset()  # forgets every query: the saved transaction id now answers 404
    resumed = run_cli(export_args(emulator, output, "--resume", "--progress"))
    assert resumed.returncode == 0, resumed.stderr
    assert "running it again" in resumed.stderr
    assert_finished(output, expected)


def test_checkpoint_guards_against_mixing_exports(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=1:count=1")
    assert run_cli(export_args(emulator, output)).returncode == 1
    emulator.reset()
    again = run_cli(export_args(emulator, output))
    assert again.returncode == 2 and "--resume" in again.stderr
    other = run_cli(export_args(emulator, output, "--service", "Routing", "--resume"))
    assert other.returncode == 2 and "different export" in other.stderr
    restarted = run_cli(export_args(emulator, output, "--restart"))
    assert restarted.returncode == 0, restarted.stderr
    assert_finished(output, clean_run(emulator, tmp_path / "clean.jsonl"))


def test_an_export_stopped_while_its_query_runs_resumes_with_that_query(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    emulator.reset()
    output = tmp_path / "audit.jsonl"
    emulator.app.config.update({"succeed_after_seconds": 4.0})  # the query runs for a while
    process = start_cli(export_args(emulator, output))
    deadline = time.monotonic() + 30
    while (saved := read_checkpoint(output)) is None or saved["parts"][0]["transactionId"] is None:
        assert time.monotonic() < deadline and process.poll() is None, "the query was never saved"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "--resume" in stderr
    saved = read_checkpoint(output)
    assert saved is not None and saved["file"]["pages"] == 0  # stopped before the query had succeeded
    resumed = run_cli(export_args(emulator, output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
    assert emulator.stats()["queries_created"] == 1  # the saved query was waited for, not created again


def test_a_write_that_fails_midway_stops_the_export_with_a_checkpoint_of_what_is_on_disk(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The file size limit (RLIMIT_FSIZE) makes a page's write fail part-way, in the writer's thread: no
    later checkpoint may count it, and resuming writes exactly what a clean run writes."""
    import resource
    import subprocess

    from tests.cli.cli_helpers import CLI, cli_env

    expected = clean_run(emulator, tmp_path / "clean.jsonl")
    limit = len(expected) // 3  # past two or three pages of 100 records

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    output = tmp_path / "audit.jsonl"
    failed = subprocess.run(
        [*CLI, *export_args(emulator, output)],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limited,
    )
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and "File too large" in failed.stderr and "--resume" in failed.stderr
    checkpoint = read_checkpoint(output)
    assert checkpoint is not None
    partial = output.with_name(output.name + ".partial").read_bytes()
    assert checkpoint["file"]["bytes"] < len(partial) <= limit  # a page cut off: on disk, never counted
    assert partial[: checkpoint["file"]["bytes"]] == expected[: checkpoint["file"]["bytes"]]
    assert partial[: checkpoint["file"]["bytes"]].count(b"\n") == checkpoint["file"]["records"] > 0
    resumed = run_cli(export_args(emulator, output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
