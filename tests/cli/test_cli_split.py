"""`query --split`: concurrent sub-queries write exactly what one query writes, and resume byte-identically
after an error, SIGINT or SIGKILL; checkpoints written before splitting existed still resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from emulator import Emulator
from tests.cli.cli_helpers import (
    assert_finished,
    kill_midway,
    query_args,
    read_checkpoint,
    run_cli,
    written,
)

SPLIT = ("--split", "2d", "--concurrency", "8")
FIXTURES = Path(__file__).parents[1] / "fixtures" / "checkpoints" / "v1"


def export_args(emulator: Emulator, output: Path, *extra: str) -> list[str]:
    """The export's options: the whole span in pages of 25 unless `extra` gives another (each option once)."""
    return query_args(emulator, output, *(() if "--page-size" in extra else ("--page-size", "25")), *extra)


def clean_run(emulator: Emulator, output: Path, *extra: str) -> bytes:
    return written(export_args(emulator, output, *extra), output)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_split_export_writes_what_one_query_writes(emulator: Emulator, tmp_path: Path, fmt: str) -> None:
    single = clean_run(emulator, tmp_path / "single", "--format", fmt)
    result = run_cli(export_args(emulator, tmp_path / "split", "--format", fmt, "--progress", *SPLIT))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "split").read_bytes() == single
    assert "sub-queries waiting 0  running 0  done 16" in result.stderr
    assert emulator.stats()["queries_created"] == 1 + 16


def test_unordered_split_export_writes_each_record_once(emulator: Emulator, tmp_path: Path) -> None:
    single = clean_run(emulator, tmp_path / "single.jsonl").splitlines()
    split = clean_run(emulator, tmp_path / "split.jsonl", *SPLIT, "--unordered").splitlines()
    assert sorted(split) == sorted(single) and len(split) == len(single)


def test_split_export_stopped_by_an_error_resumes_exactly(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl", *SPLIT)
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=20:count=1")
    failed = run_cli(export_args(emulator, output, *SPLIT))
    assert failed.returncode == 1
    assert "HTTP 400" in failed.stderr and "--resume" in failed.stderr
    checkpoint = read_checkpoint(output)
    assert checkpoint is not None and checkpoint["parts"] is not None
    parts = checkpoint["parts"]
    # How far the writer got before the error is up to thread scheduling; the export must not be complete.
    assert not all(part["done"] for part in parts)
    created = emulator.stats()["queries_created"]
    resumed = run_cli(export_args(emulator, output, "--resume", "--concurrency", "3", *SPLIT[:2]))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
    recreated = emulator.stats()["queries_created"] - created
    assert recreated == sum(part["transactionId"] is None for part in parts)


@pytest.mark.parametrize("split", [SPLIT, ("--split", "auto", "--concurrency", "8")], ids=["2d", "auto"])
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_killed_split_export_resumes_exactly(
    emulator: Emulator, tmp_path: Path, how: signal.Signals, split: tuple[str, ...]
) -> None:
    """Ordered exports to a file spill the pages past their buffer beside it, in unnamed files: killed, even
    by SIGKILL, they leave nothing there but the partial file and its checkpoint (SIGKILL may also leave the
    checkpoint's next version, not yet renamed into place; the resumed export writes over it)."""
    expected = clean_run(emulator, tmp_path / "clean.jsonl", *split)
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("delay:path=/results:seconds=0.1")  # slow pages, so the kill lands midway
    kill_midway(export_args(emulator, output, *split), output, 12, how)
    left = sorted(os.listdir(tmp_path))
    if how == signal.SIGKILL and "audit.jsonl.checkpoint.json.tmp" in left:
        left.remove("audit.jsonl.checkpoint.json.tmp")  # killed between writing a checkpoint and renaming it
    assert left == ["audit.jsonl.checkpoint.json", "audit.jsonl.partial", "clean.jsonl"]
    emulator.reset()  # also forgets the queries: started sub-queries are run again, skipping what was written
    resumed = run_cli(export_args(emulator, output, "--resume", *split))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)
    assert sorted(os.listdir(tmp_path)) == ["audit.jsonl", "clean.jsonl"]


def test_a_resume_with_another_split_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=3:count=1")
    assert run_cli(export_args(emulator, output, *SPLIT)).returncode == 1
    refused = run_cli(export_args(emulator, output, "--resume", "--split", "1d"))
    assert refused.returncode != 0 and "different export" in refused.stderr


def test_a_checkpoint_from_before_splitting_still_resumes(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl", "--page-size", "100")
    output = tmp_path / "audit.jsonl"
    for suffix in (".partial", ".checkpoint.json"):  # written by the CLI before version 2 (see the README there)
        shutil.copy(FIXTURES / f"query{suffix}", output.with_name(output.name + suffix))
    path = output.with_name(output.name + ".checkpoint.json")
    old = json.loads(path.read_text())
    del old["parts"]  # the format as written before --split existed
    path.write_text(json.dumps(old))
    resumed = run_cli(export_args(emulator, output, "--page-size", "100", "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_finished(output, expected)


AUTO = ("--split", "auto", "--concurrency", "8")


def audit_requests(emulator: Emulator) -> int:
    return sum(sum(c.values()) for route, c in emulator.stats()["by_route"].items() if "oauth" not in route)


def test_split_auto_writes_what_one_query_writes_and_reports_the_rate_limit_bound(
    emulator: Emulator, tmp_path: Path
) -> None:
    single = clean_run(emulator, tmp_path / "single.jsonl", "--sort", "ascending")
    one_query = audit_requests(emulator)
    emulator.reset()
    result = run_cli(export_args(emulator, tmp_path / "auto.jsonl", *AUTO))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "auto.jsonl").read_bytes() == single
    assert "one query over the interval, split auto" in result.stderr
    # 1,800 records at 25 a page: the probe's first page shows enough to cut the rest into more queries.
    created, requests = emulator.stats()["queries_created"], audit_requests(emulator)
    assert created > 1 and requests <= 1.3 * one_query
    # The bound: 72 pages of 500 records' worth is ceil(1800 / 500) = 4, plus every create and poll.
    line = next(line for line in result.stderr.splitlines() if "rate-limit bound" in line)
    other = 3 * created  # each query: created, polled twice (pending_polls=1)
    assert "1800 records in " in line and f"4 pages of 500 + {other} query requests at 300 a minute" in line


def test_split_auto_of_a_sparse_interval_is_one_query(emulator: Emulator, tmp_path: Path) -> None:
    sparse = ("--interval", "2026-10-01T00:00:00Z/2026-10-01T06:00:00Z", "--sort", "ascending")  # ~15 records
    single = clean_run(emulator, tmp_path / "single.jsonl", *sparse)
    one_query = audit_requests(emulator)
    emulator.reset()
    assert clean_run(emulator, tmp_path / "auto.jsonl", *sparse, *AUTO) == single
    assert emulator.stats()["queries_created"] == 1 and audit_requests(emulator) == one_query


def test_split_auto_stopped_by_an_error_resumes_exactly(emulator: Emulator, tmp_path: Path) -> None:
    expected = clean_run(emulator, tmp_path / "clean.jsonl", *AUTO)
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=20:count=1")
    assert run_cli(export_args(emulator, output, *AUTO)).returncode == 1
    checkpoint = read_checkpoint(output)
    assert checkpoint is not None and checkpoint["version"] == 4 and checkpoint["split"] == "auto"
    assert len(checkpoint["parts"]) > 1 and not all(part["done"] for part in checkpoint["parts"])
    resumed = run_cli(export_args(emulator, output, "--resume", *AUTO))
    assert resumed.returncode == 0, resumed.stderr
    assert "sub-queries left, split auto" in resumed.stderr
    assert_finished(output, expected)
    refused_output = tmp_path / "other.jsonl"
    emulator.add_fault("400:path=/results:skip=20:count=1")
    assert run_cli(export_args(emulator, refused_output, *AUTO)).returncode == 1
    refused = run_cli(export_args(emulator, refused_output, "--resume", "--split", "2d"))
    assert refused.returncode != 0 and "different export" in refused.stderr
