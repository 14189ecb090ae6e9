"""Property: the checkpoint file of an interrupted `genesys-audit query` changed in any single byte or
field is refused before any request (naming the field and --restart), or the resume writes exactly the
file an uninterrupted run writes.

Two kinds of change: one anybody could make (a bit flipped on disk, a value edited: the digest no longer
matches), and one made by someone who knows the format and signs the file again, which the checks behind
the digest (whole pages written, the file's records and pages against the parts') must still catch.
The command runs in this process, so each example takes milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit.workflows._checkpoint import digest
from genesys_cloud_audit.workflows.cli import main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator
from tests.cli.cli_helpers import WHOLE_SPAN

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@dataclass(frozen=True)
class Interrupted:
    """An export stopped after three pages: its partial file and checkpoint, and what a clean run writes."""

    partial: bytes
    checkpoint: bytes
    clean: bytes


def cli(emulator: Emulator, output: Path, *extra: str) -> tuple[int, str]:
    """Runs `genesys-audit query ... -o output` in this process; the exit status and stderr."""
    stderr = io.StringIO()
    argv = [
        "query",
        "--base-url",
        emulator.base_url,
        "--client-id",
        DEFAULT_CLIENT_ID,
        "--client-secret",
        DEFAULT_CLIENT_SECRET,
        "--interval",
        WHOLE_SPAN,
        "--page-size",
        "100",
        "-o",
        str(output),
        *extra,
    ]
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    return status, stderr.getvalue()


@pytest.fixture
def interrupted(emulator: Emulator, tmp_path: Path) -> Interrupted:
    clean = tmp_path / "clean.jsonl"
    assert cli(emulator, clean)[0] == 0
    output = tmp_path / "audit.jsonl"
    emulator.add_fault("400:path=/results:skip=3:count=1")
    assert cli(emulator, output)[0] == 1
    sidecar = output.with_name("audit.jsonl.checkpoint.json")
    assert json.loads(sidecar.read_text())["file"]["pages"] == 3
    partial = output.with_name("audit.jsonl.partial").read_bytes()
    return Interrupted(partial, sidecar.read_bytes(), clean.read_bytes())


@contextlib.contextmanager
def placed(state: Interrupted, checkpoint: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.jsonl"
        output.with_name("audit.jsonl.partial").write_bytes(state.partial)
        output.with_name("audit.jsonl.checkpoint.json").write_bytes(checkpoint)
        yield output


def resumed_or_refused(emulator: Emulator, state: Interrupted, checkpoint: bytes) -> str:
    """'exact' or 'refused'; anything else fails the property."""
    with placed(state, checkpoint) as output:
        before = emulator.stats()["requests"]
        status, stderr = cli(emulator, output, "--resume")
        assert "Traceback" not in stderr and "unexpected" not in stderr, stderr
        if status == 0:
            assert output.read_bytes() == state.clean
            return "exact"
        assert status in (1, 2) and "--restart" in stderr, stderr
        assert emulator.stats()["requests"] == before  # refused before anything was sent
        assert not output.exists()
        assert output.with_name("audit.jsonl.partial").read_bytes() == state.partial  # and nothing changed
        return "refused"


def test_the_checkpoint_taken_resumes_exactly(emulator: Emulator, interrupted: Interrupted) -> None:
    assert resumed_or_refused(emulator, interrupted, interrupted.checkpoint) == "exact"


@PROPERTY
@given(at=st.integers(0, 10**6), new=st.integers(0, 255))
def test_any_single_byte_changed_is_refused_or_resumes_exactly(
    emulator: Emulator, interrupted: Interrupted, at: int, new: int
) -> None:
    data = bytearray(interrupted.checkpoint)
    at %= len(data)
    if data[at] == new:
        return
    data[at] = new
    resumed_or_refused(emulator, interrupted, bytes(data))


def numbers(document: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """The pointers of the numbers that count records, bytes and pages."""
    pointers: list[tuple[str | int, ...]] = [("file", "bytes"), ("file", "records"), ("file", "pages")]
    for index in range(len(document["parts"])):
        pointers += [("parts", index, "skip"), ("parts", index, "recordsRead")]
    return pointers


@PROPERTY
@given(data=st.data())
def test_any_count_changed_and_signed_again_is_refused_or_resumes_exactly(
    emulator: Emulator, interrupted: Interrupted, data: st.DataObject
) -> None:
    document = json.loads(interrupted.checkpoint)
    *parents, last = data.draw(st.sampled_from(numbers(document)), label="pointer")
    target = document
    for key in parents:
        target = target[key]
    target[last] = data.draw(st.integers(0, 10**6).filter(lambda value: value != target[last]), label="value")
    document["digest"] = digest(document)
    resumed_or_refused(emulator, interrupted, json.dumps(document).encode())


@pytest.mark.parametrize("version", [2, 4])
def test_a_skip_into_a_page_is_refused_naming_it(emulator: Emulator, interrupted: Interrupted, version: int) -> None:
    """The report's case: "skip": 499 in a checkpoint of whole pages resumed and silently lost 499 records.
    A version 2 file (no digest) is caught by the same check."""
    document = json.loads(interrupted.checkpoint)
    document["parts"][0]["skip"] = 99
    document["version"] = version
    del document["digest"]
    if version == 4:
        document["digest"] = digest(document)
    with placed(interrupted, json.dumps(document).encode()) as output:
        status, stderr = cli(emulator, output, "--resume")
    assert status == 1
    assert "/parts/0/skip: 99 records of a page skipped, but the command line writes whole pages" in stderr
    assert stderr.rstrip().endswith("pass --restart to discard the interrupted export and start over")
