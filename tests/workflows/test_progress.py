"""The public progress callback of query_audits, resume_audits and export_audits (sync and async): what
is reported and when, that calls never overlap, and that a callback that raises leaves an exact
checkpoint (workflows/_progress.py, _handout.py)."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from genesys_cloud_audit import (
    Client,
    ConfigurationError,
    ExportProgress,
    export_audits,
    export_audits_async,
    query_audits,
    query_audits_async,
    resume_audits,
)

from emulator import Emulator
from tests.workflows.conftest import FAST, RECORDS, SPAN, expected_ids


class Recorder:
    """Records every event, and the most calls that were ever in progress at once."""

    def __init__(self) -> None:
        self.events: list[ExportProgress] = []
        self.busy = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, event: ExportProgress) -> None:
        with self._lock:
            self.busy += 1
            self.most_at_once = max(self.most_at_once, self.busy)
        threading.Event().wait(0.001)  # hold the call a moment, so overlapping calls would show
        self.events.append(event)
        with self._lock:
            self.busy -= 1

    def of(self, kind: str) -> list[ExportProgress]:
        return [event for event in self.events if event.event == kind]


def test_a_one_query_export_reports_its_query_each_page_and_the_end(emu: Emulator, client: Client) -> None:
    recorder = Recorder()
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST, progress=recorder)
    ids = [str(record.id) for record in export]
    assert ids == expected_ids(emu)
    states = recorder.of("state")
    assert states and states[0].state == "Queued" and states[-1].state == "Succeeded"
    assert {event.transaction_id for event in states} == {export.transaction_id}
    pages = recorder.of("page")
    assert len(pages) == RECORDS // 100
    assert [event.records for event in pages] == [100 * n for n in range(1, len(pages) + 1)]
    assert [event.pages for event in pages] == list(range(1, len(pages) + 1))
    assert [event.event for event in recorder.events[-2:]] == ["page", "finished"]
    finished = recorder.events[-1]
    assert finished.records == RECORDS and finished.sub_queries == 1 and finished.done == 1
    first_page = recorder.events.index(pages[0])
    assert all(event.event == "state" for event in recorder.events[:first_page])


def test_a_page_is_reported_once_the_caller_has_it(emu: Emulator, client: Client) -> None:
    recorder = Recorder()
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST, progress=recorder)
    batches = export.batches()
    next(batches)
    assert recorder.of("page") == []  # handed out, not yet reported: the caller is writing it
    next(batches)
    assert [event.records for event in recorder.of("page")] == [100]


def test_a_split_export_reports_every_sub_query_and_never_overlaps_calls(emu: Emulator, client: Client) -> None:
    recorder = Recorder()
    with export_audits(
        client, interval=SPAN, span=timedelta(days=2), concurrency=4, page_size=50, wait_policy=FAST, progress=recorder
    ) as export:
        ids = [str(record.id) for record in export]
    assert ids == expected_ids(emu)
    assert recorder.most_at_once == 1
    succeeded = {event.part for event in recorder.of("state") if event.state == "Succeeded"}
    assert succeeded == set(range(5))
    assert len(recorder.of("finished")) == 1 and recorder.events[-1].event == "finished"
    last = recorder.events[-1]
    assert (last.waiting, last.running, last.done, last.records) == (0, 0, 5, RECORDS)
    records = [event.records for event in recorder.of("page")]
    assert records == sorted(records) and records[-1] == RECORDS


def test_a_rerun_is_reported_with_the_query_that_vanished(emu: Emulator, client: Client) -> None:
    recorder = Recorder()
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST, progress=recorder)
    got = [str(next(export).id) for _ in range(150)]
    vanished = export.transaction_id
    emu.reset()
    got.extend(str(record.id) for record in export)
    assert got == expected_ids(emu)
    assert [(event.part, event.transaction_id) for event in recorder.of("rerun")] == [(0, vanished)]


def test_a_callback_that_raises_stops_the_export_with_an_exact_checkpoint(emu: Emulator, client: Client) -> None:
    class Enough(Exception):
        pass

    def stop_at_the_third_page(event: ExportProgress) -> None:
        if event.event == "page" and event.pages == 3:
            raise Enough

    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST, progress=stop_at_the_third_page)
    got: list[str] = []
    with pytest.raises(Enough):
        for record in export:
            got.append(str(record.id))
    assert len(got) == 300  # the third page was handed out whole before it was reported
    rest = [str(record.id) for record in resume_audits(client, export.checkpoint(), page_size=100, wait_policy=FAST)]
    assert got + rest == expected_ids(emu)


def test_resume_audits_reports_records_from_before_the_checkpoint(emu: Emulator, client: Client) -> None:
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST)
    first = [str(next(export).id) for _ in range(250)]
    recorder = Recorder()
    resumed = resume_audits(client, export.checkpoint(), page_size=100, wait_policy=FAST, progress=recorder)
    assert first + [str(record.id) for record in resumed] == expected_ids(emu)
    assert recorder.of("page")[0].records == 300 and recorder.events[-1].records == RECORDS


def test_the_async_exports_report_as_the_sync_ones(emu: Emulator, client: Client) -> None:
    one, split = Recorder(), Recorder()

    async def collect() -> tuple[int, int]:
        try:
            single = [
                r
                async for r in query_audits_async(client, interval=SPAN, page_size=200, wait_policy=FAST, progress=one)
            ]
            async with export_audits_async(
                client,
                interval=SPAN,
                span=timedelta(days=5),
                concurrency=2,
                page_size=200,
                wait_policy=FAST,
                progress=split,
            ) as export:
                parts = [r async for r in export]
            return len(single), len(parts)
        finally:
            await client.aclose()

    assert asyncio.run(collect()) == (RECORDS, RECORDS)
    for recorder, sub_queries in ((one, 1), (split, 2)):
        assert recorder.events[-1].event == "finished" and recorder.events[-1].records == RECORDS
        assert recorder.events[-1].sub_queries == sub_queries
        assert len(recorder.of("page")) == RECORDS // 200


def test_progress_must_be_callable(client: Client) -> None:
    with pytest.raises(ConfigurationError, match="progress must be a callable"):
        query_audits(client, interval=SPAN, progress="print")  # type: ignore[arg-type]
