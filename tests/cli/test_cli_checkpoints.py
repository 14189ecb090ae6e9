"""Checkpoint files of the command line: version 1 files written by the CLI before checkpoints were
unified still resume to exactly what a clean run writes; unreadable ones are refused, naming the field
or version and `--restart`; the interval rule is the library's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from emulator import Emulator
from tests.cli.cli_helpers import WHOLE_SPAN, read_checkpoint, run_cli

V1 = Path(__file__).parents[1] / "fixtures" / "checkpoints" / "v1"

# The options each fixture was written with (see the README beside them).
WRITTEN_WITH = {
    "query": ("query", "audit.jsonl", ["--page-size", "100"]),
    "query-csv": (
        "query",
        "audit.csv",
        ["--page-size", "50", "--sort", "descending", "--filter", "Action=Delete", "--expand-user"],
    ),
    "query-rerun": ("query", "audit.jsonl", ["--page-size", "100"]),
    "split": ("query", "audit.jsonl", ["--page-size", "25", "--split", "2d", "--concurrency", "4"]),
    "realtime": ("realtime", "audit.jsonl", ["--page-size", "30", "--service", "Routing"]),
}


def command(emulator: Emulator, name: str, output: Path, *extra: str) -> list[str]:
    subcommand, _, options = WRITTEN_WITH[name]
    return [subcommand, "--base-url", emulator.base_url, "--interval", WHOLE_SPAN, *options, "-o", str(output), *extra]


def place(name: str, output: Path) -> Path:
    for suffix in (".partial", ".checkpoint.json"):
        shutil.copy(V1 / f"{name}{suffix}", output.with_name(output.name + suffix))
    return output.with_name(output.name + ".checkpoint.json")


@pytest.mark.parametrize("name", sorted(WRITTEN_WITH))
def test_version_1_checkpoints_resume_to_what_a_clean_run_writes(emulator: Emulator, tmp_path: Path, name: str) -> None:
    emulator.app.config.update({"realtime_days": None})  # the fixtures were written before it had a window
    file_name = WRITTEN_WITH[name][1]
    clean = tmp_path / "clean" / file_name
    clean.parent.mkdir()  # the command creates no folders
    finished = run_cli(command(emulator, name, clean))
    assert finished.returncode == 0, finished.stderr
    output = tmp_path / file_name
    place(name, output)
    resumed = run_cli(command(emulator, name, output, "--resume", "--progress"))
    assert resumed.returncode == 0, resumed.stderr
    assert output.read_bytes() == clean.read_bytes()
    assert not output.with_name(output.name + ".checkpoint.json").exists()
    records = json.loads((V1 / f"{name}.checkpoint.json").read_text())["records"]
    assert f"resuming after {records} records" in resumed.stderr


def test_a_resumed_version_1_checkpoint_is_saved_as_version_4(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    place("query", output)
    emulator.add_fault("400:path=/results:skip=4:count=1")  # the re-run skips 3 pages, writes one, then fails
    assert run_cli(command(emulator, "query", output, "--resume")).returncode == 1
    saved = read_checkpoint(output)
    assert saved is not None and saved["version"] == 4 and saved["file"]["records"] == 400


def test_a_rerun_stopped_before_it_skipped_everything_runs_again(emulator: Emulator, tmp_path: Path) -> None:
    clean = tmp_path / "clean.jsonl"
    assert run_cli(command(emulator, "query-rerun", clean)).returncode == 0
    output = tmp_path / "audit.jsonl"
    place("query-rerun", output)
    emulator.add_fault("400:path=/results:skip=2:count=1")  # the re-run's third page fails, still skipping
    assert run_cli(command(emulator, "query-rerun", output, "--resume")).returncode == 1
    saved = read_checkpoint(output)
    assert saved is not None and saved["file"]["records"] == 400
    resumed = run_cli(command(emulator, "query-rerun", output, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert output.read_bytes() == clean.read_bytes()


def test_a_checkpoint_of_a_later_version_is_refused_naming_it_and_restart(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    path = place("query", output)
    path.write_text(json.dumps({**json.loads(path.read_text()), "version": 7}))
    refused = run_cli(command(emulator, "query", output, "--resume"))
    assert refused.returncode == 1
    assert "checkpoint version 7" in refused.stderr and "--restart" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert emulator.stats()["requests"] == 0
    restarted = run_cli(command(emulator, "query", output, "--restart"))
    assert restarted.returncode == 0, restarted.stderr


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [("records", -1, "/records"), ("bytes", "many", "/bytes"), ("cursor", 5, "/cursor"), ("params", [], "/params")],
)
def test_a_broken_checkpoint_is_refused_naming_the_field(
    emulator: Emulator, tmp_path: Path, field: str, value: object, named: str
) -> None:
    output = tmp_path / "audit.jsonl"
    path = place("query", output)
    path.write_text(json.dumps({**json.loads(path.read_text()), field: value}))
    refused = run_cli(command(emulator, "query", output, "--resume"))
    assert refused.returncode == 1
    first = refused.stderr.splitlines()[0]
    assert first.startswith("genesys-audit: error: ") and f"{path}: {named}" in first
    assert "--restart" in refused.stderr


def test_a_checkpoint_that_is_not_json_or_of_another_command_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    path = place("query", output)
    path.write_text("{truncated")
    refused = run_cli(command(emulator, "query", output, "--resume"))
    assert refused.returncode == 1 and "not JSON" in refused.stderr
    place("realtime", output)
    other = run_cli(command(emulator, "query", output, "--resume"))
    assert other.returncode == 2 and "different export" in other.stderr


@pytest.mark.parametrize("interval", ["2026-10-01T00:00:00/2026-11-01T00:00:00", "2026-10-01/2026-11-01"])
def test_naive_instants_are_refused_as_in_python(emulator: Emulator, interval: str) -> None:
    result = run_cli(["query", "--base-url", emulator.base_url, "--interval", interval])
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "has no time zone" in result.stderr
    assert emulator.stats()["requests"] == 0


def test_help_documents_the_interval_rule_and_the_expand_default() -> None:
    result = run_cli(["query", "--help"])
    text = " ".join(result.stdout.split())
    assert "time zone" in text and "refused" in text
    assert "--expand-user" in text and "off by default" in text
