"""An ordered split export with a spill folder: pages past the buffer wait on disk in unnamed files, the
records come out exactly as one query's, in order, nothing is left in the folder, and an export stopped
by an error, a full disk or the reader resumes exactly from its checkpoint."""

from __future__ import annotations

import errno
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import Client, WaitPolicy, query_audits
from genesys_cloud_audit.workflows import _arguments, _spill
from genesys_cloud_audit.workflows._bulk import JsonBulkExport
from genesys_cloud_audit.workflows._spill import Spill, SpillError

from emulator import Emulator, EmulatorConfig
from tests.support.clients import emulator_fixtures

END = datetime(2026, 11, 1, tzinfo=UTC)
DENSE = (END - timedelta(days=3), END)
PAGE = 100
WAIT = WaitPolicy(first_interval=0.01, growth=1.5, max_interval=0.05, deadline=30.0)

spill_emulator, emu = emulator_fixtures(
    EmulatorConfig(records=6000, seed=11, data_start=DENSE[0], data_end=END, pending_polls=1, validate=False),
    name="spill_emulator",
    scope="module",
)


def expected_ids(client: Client) -> list[str]:
    return [str(r.id) for r in query_audits(client, interval=DENSE, sort="ascending", page_size=PAGE, wait_policy=WAIT)]


def spilling(client: Client, folder: Path, **options: Any) -> JsonBulkExport:
    arguments = _arguments.split(
        client, interval=DENSE, page_size=PAGE, wait_policy=WAIT, buffer_pages=1, concurrency=8, **options
    )
    return JsonBulkExport(arguments, spill_to=folder)


def ids(batch: list[bytes]) -> list[str]:
    return [json.loads(record)["id"] for record in batch]


def test_pages_past_the_buffer_wait_on_disk_and_come_out_in_order(
    client: Client, emu: Emulator, tmp_path: Path
) -> None:
    expected = expected_ids(client)
    emu.reset()
    emu.add_fault("delay:path=/results:seconds=0.01")  # the head is read at the network's pace
    export = spilling(client, tmp_path)
    got: list[str] = []
    seen_files = set()
    with export:
        for batch in export.batches():
            got.extend(ids(batch))
            seen_files.update(os.listdir(tmp_path))
    assert got == expected
    assert len(export.checkpoint().parts) > 1
    spill = export._engine.spill
    assert spill is not None and spill.pages > 0  # the later sub-queries ran ahead, onto disk
    assert spill.open_segments == 0
    assert not seen_files and not os.listdir(tmp_path)  # unnamed files: nothing ever shows in the folder


def test_a_stream_or_an_unordered_export_never_spills(client: Client, tmp_path: Path) -> None:
    assert spilling(client, tmp_path, ordered=False)._engine.spill is None
    arguments = _arguments.split(client, interval=DENSE, page_size=PAGE, wait_policy=WAIT)
    assert JsonBulkExport(arguments)._engine.spill is None


def interrupted(client: Client, folder: Path, stop_after: int) -> tuple[list[str], str]:
    got: list[str] = []
    export = spilling(client, folder)
    with export:
        for batch in export.batches():
            got.extend(ids(batch))
            if len(got) >= stop_after:
                break
    return got, export.checkpoint().to_json()


def test_an_export_closed_midway_resumes_exactly_without_what_it_only_spilled(
    client: Client, emu: Emulator, tmp_path: Path
) -> None:
    expected = expected_ids(client)
    emu.reset()
    emu.add_fault("delay:path=/results:seconds=0.01")
    got, saved = interrupted(client, tmp_path, len(expected) // 3)
    assert not os.listdir(tmp_path)
    resumed = spilling(client, tmp_path, checkpoint=saved)
    with resumed:
        got.extend(record for batch in resumed.batches() for record in ids(batch))
    assert got == expected and len(set(got)) == len(got)


def test_a_page_failing_mid_part_stops_the_export_and_it_resumes_exactly(
    client: Client, emu: Emulator, tmp_path: Path
) -> None:
    expected = expected_ids(client)
    emu.reset()
    emu.add_fault("400:path=/results:skip=25:count=1")  # a cursor fails in the middle of some part
    export = spilling(client, tmp_path)
    got: list[str] = []
    with pytest.raises(Exception, match="400"), export:
        for batch in export.batches():
            got.extend(ids(batch))
    assert export.checkpoint().records_read == len(got)
    resumed = spilling(client, tmp_path, checkpoint=export.checkpoint())
    with resumed:
        got.extend(record for batch in resumed.batches() for record in ids(batch))
    assert got == expected
    assert not os.listdir(tmp_path)


def test_a_full_disk_stops_the_export_with_a_clear_error_and_it_resumes_exactly(
    client: Client, emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_ids(client)
    emu.reset()
    emu.add_fault("delay:path=/results:seconds=0.01")
    real_pwrite = os.pwrite
    writes = 0

    def full_after_three(fd: int, data: Any, offset: int) -> int:
        nonlocal writes
        writes += 1
        if writes > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(_spill.os, "pwrite", full_after_three)
    export = spilling(client, tmp_path)
    got: list[str] = []
    with pytest.raises(SpillError) as raised, export:
        for batch in export.batches():
            got.extend(ids(batch))
    assert raised.value.errno == errno.ENOSPC
    assert f"cannot write the pages fetched ahead in {tmp_path} (No space left on device)" in str(raised.value)
    monkeypatch.setattr(_spill.os, "pwrite", real_pwrite)
    resumed = spilling(client, tmp_path, checkpoint=export.checkpoint())
    with resumed:
        got.extend(record for batch in resumed.batches() for record in ids(batch))
    assert got == expected


def test_a_folder_that_cannot_hold_files_is_named_in_the_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    spill = Spill(missing)
    with pytest.raises(SpillError, match=f"cannot create a file for the pages fetched ahead in {missing}"):
        spill.write([b"{}"])


def test_segments_are_freed_once_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_spill, "SEGMENT_BYTES", 100)
    spill = Spill(tmp_path)
    pages = [[f'{{"id": "{n}-{i}", "x": "{"é" * n}"}}'.encode() for i in range(n % 4)] for n in range(12)]
    refs = [spill.write(page) for page in pages]
    assert spill.open_segments > 2
    assert [spill.read(ref) for ref in refs] == pages  # exactly as written, empty records and pages too
    assert spill.open_segments == 1  # only the one being written stays open
    spill.close()
    assert spill.open_segments == 0 and not os.listdir(tmp_path)
    with pytest.raises(SpillError, match="closed"):
        spill.write([b"{}"])


def test_the_command_line_names_a_full_disk_and_the_way_on() -> None:
    from genesys_cloud_audit.workflows.cli._commands import Session
    from genesys_cloud_audit.workflows.cli._run import explain

    class Resumable:
        resumable = True

    session = Session(command="query", to_file=True, sink=Resumable())  # type: ignore[arg-type]
    error = SpillError(errno.ENOSPC, "cannot write the pages fetched ahead in /data (No space left on device)")
    what, step, status = explain(error, session)
    assert "pages fetched ahead in /data (No space left on device)" in what and status == 1
    assert step is not None and "free some space" in step and "--resume" in step


class _Counted(dict[int, int]):
    """The engine's pages held per sub-query, remembering the most held in all at any moment."""

    most = 0

    def __setitem__(self, key: int, value: int) -> None:
        super().__setitem__(key, value)
        self.most = max(self.most, sum(self.values()))


@pytest.mark.parametrize("buffer_pages", [1, 2])
def test_without_a_spill_folder_the_pages_held_in_all_stay_within_the_budget(
    client: Client, emu: Emulator, buffer_pages: int
) -> None:
    expected = expected_ids(client)
    emu.reset()
    arguments = _arguments.split(
        client,
        interval=DENSE,
        page_size=PAGE,
        wait_policy=WAIT,
        span=timedelta(hours=6),
        buffer_pages=buffer_pages,
        concurrency=4,
    )
    export = JsonBulkExport(arguments)
    held = export._engine._held = _Counted()
    got: list[str] = []
    with export:
        for batch in export.batches():
            got.extend(ids(batch))
            if len(got) < 3 * PAGE:
                time.sleep(0.05)  # a slow reader at first: the sub-queries after the head run ahead
    assert got == expected
    assert len(export.checkpoint().parts) == 12
    assert 0 < held.most <= buffer_pages * 4
