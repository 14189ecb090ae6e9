"""Adaptive splitting (`span="auto"`, export_audits' default) against the emulator: a sparse interval stays
one query, a dense one is cut into concurrent sub-queries that yield exactly the one query's records, in
order, for a bounded share of extra requests; interrupted adaptive exports resume exactly."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from genesys_cloud_audit import (
    CheckpointError,
    Client,
    ExportCheckpoint,
    WaitPolicy,
    export_audits,
    export_audits_async,
    query_audits,
    resume_audits,
)
from genesys_cloud_audit.errors import BadRequestError
from genesys_cloud_audit.workflows._checkpoint import digest

from emulator import Emulator, EmulatorConfig
from tests.support.clients import emulator_clients, emulator_fixtures, serve

END = datetime(2026, 11, 1, tzinfo=UTC)
DENSE = (END - timedelta(days=3), END)
SPARSE_YEAR = (END - timedelta(days=365), END - timedelta(days=3))  # the data starts 3 days before the end
PAGE = 100
WAIT = WaitPolicy(first_interval=0.01, growth=1.5, max_interval=0.05, deadline=30.0)


# The organization's 6,000 records fall in the last 3 days, plus a few outside: a sparse year before.
dense_emulator, emu = emulator_fixtures(
    EmulatorConfig(
        records=6000, seed=9, data_start=DENSE[0] - timedelta(hours=6), data_end=END, pending_polls=1, validate=False
    ),
    name="dense_emulator",
    scope="module",
)


def one_query(client: Client, emu: Emulator, interval: Any, sort: str = "ascending") -> tuple[list[str], int]:
    """The one query's records and the Audit API requests it took."""
    emu.reset()
    ids = [str(r.id) for r in query_audits(client, interval=interval, sort=sort, page_size=PAGE, wait_policy=WAIT)]
    return ids, audit_requests(emu)


def audit_requests(emu: Emulator) -> int:
    return sum(sum(c.values()) for route, c in emu.stats()["by_route"].items() if "oauth" not in route)


def results_requests(emu: Emulator) -> int:
    return sum(sum(c.values()) for route, c in emu.stats()["by_route"].items() if route.endswith("/results"))


def auto(client: Client, interval: Any = DENSE, **options: Any) -> Any:
    return export_audits(client, interval=interval, page_size=PAGE, wait_policy=WAIT, **options)


def assert_tiles(checkpoint: ExportCheckpoint, interval: tuple[datetime, datetime], descending: bool = False) -> None:
    """The parts follow one another across the interval, in hand-out order."""
    bounds = [tuple(datetime.fromisoformat(t) for t in part.interval.split("/")) for part in checkpoint.parts]
    if descending:
        bounds.reverse()
    assert bounds[0][0] == interval[0] and bounds[-1][1] == interval[1]
    assert all(bounds[i][1] == bounds[i + 1][0] for i in range(len(bounds) - 1))


def test_a_sparse_year_is_one_query_costing_exactly_its_requests(client: Client, emu: Emulator) -> None:
    expected, requests = one_query(client, emu, SPARSE_YEAR)
    assert PAGE < len(expected) < 10 * PAGE  # a few pages, all in the year's last hours
    emu.reset()
    with auto(client, SPARSE_YEAR) as export:
        got = [str(r.id) for r in export]
    assert got == expected
    assert emu.stats()["queries_created"] == 1 and audit_requests(emu) == requests
    assert len(export.checkpoint().parts) == 1 and export.checkpoint().adaptive


def test_an_empty_interval_is_one_query(client: Client, emu: Emulator) -> None:
    empty = (END - timedelta(days=900), END - timedelta(days=400))
    with auto(client, empty) as export:
        assert list(export) == []
    assert emu.stats()["queries_created"] == 1 and audit_requests(emu) == 4  # created, polled twice, one page


def test_a_dense_range_is_cut_once_into_concurrent_sub_queries(client: Client, emu: Emulator) -> None:
    expected, requests = one_query(client, emu, DENSE)
    pages = math.ceil(len(expected) / PAGE)
    emu.reset()
    with auto(client, concurrency=8) as export:
        got = [str(r.id) for r in export]
    assert got == expected
    checkpoint = export.checkpoint()
    assert checkpoint.done and checkpoint.records_read == len(expected)
    assert_tiles(checkpoint, DENSE)
    # The probe's first page shows ~59 pages to come; each new query must pay for itself over its requests
    # and a page, at most 20% of the pages it takes over: a few parts, every one with records.
    parts = checkpoint.parts
    assert 2 <= len(parts) == emu.stats()["queries_created"]
    assert all(part.records_read >= PAGE for part in parts)
    # Every part reads its records' pages, and the parts cut short one more (the records past their end).
    assert results_requests(emu) <= pages + len(parts) - 1
    assert audit_requests(emu) <= 1.25 * requests


def test_concurrency_one_never_cuts(client: Client, emu: Emulator) -> None:
    expected, requests = one_query(client, emu, DENSE)
    emu.reset()
    assert [str(r.id) for r in auto(client, concurrency=1)] == expected
    assert emu.stats()["queries_created"] == 1 and audit_requests(emu) == requests


def test_the_cap_bounds_the_cut(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    emu.reset()
    export = auto(client, max_sub_queries=1)  # the dense range is otherwise cut (above)
    assert [str(r.id) for r in export] == expected
    assert len(export.checkpoint().parts) == 1 == emu.stats()["queries_created"]


def test_descending_cuts_yield_latest_first(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE, "descending")
    emu.reset()
    export = auto(client, sort="descending")
    assert [str(r.id) for r in export] == expected
    assert len(export.checkpoint().parts) > 1
    assert_tiles(export.checkpoint(), DENSE, descending=True)


def test_unordered_yields_each_record_once(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    emu.reset()
    got = [str(r.id) for batch in auto(client, ordered=False).batches() for r in batch]
    assert sorted(got) == sorted(expected) and len(set(got)) == len(got)


class Interrupted(Exception):
    pass


def interrupted(client: Client, stop_after: int, **options: Any) -> tuple[list[str], str]:
    got: list[str] = []
    with pytest.raises(Interrupted), auto(client, **options) as export:
        for record in export:
            got.append(str(record.id))
            if len(got) == stop_after:
                raise Interrupted
    return got, export.checkpoint().to_json()


@pytest.mark.parametrize("ordered", [True, False])
def test_an_interrupted_adaptive_export_resumes_exactly(client: Client, emu: Emulator, ordered: bool) -> None:
    expected, _ = one_query(client, emu, DENSE)
    got, saved = interrupted(client, len(expected) // 2 + 7, ordered=ordered)
    checkpoint = ExportCheckpoint.from_json(saved)
    assert checkpoint.adaptive and checkpoint.to_dict()["version"] == 4 and checkpoint.to_dict()["split"] == "auto"
    assert checkpoint.records_read == len(got) and len(checkpoint.parts) > 1
    got.extend(str(r.id) for r in auto(client, checkpoint=saved, ordered=ordered))
    assert (got if ordered else sorted(got)) == (expected if ordered else sorted(expected))
    assert len(set(got)) == len(got)


def test_interrupted_on_the_probe_s_first_page_resumes_with_the_probe(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    got, saved = interrupted(client, 3)
    created = emu.stats()["queries_created"]
    got.extend(str(r.id) for r in auto(client, checkpoint=saved))
    assert got == expected
    # The cut was made before the first record came out: the resumption reuses every query it names.
    named = sum(part.transaction_id is not None for part in ExportCheckpoint.from_json(saved).parts)
    assert emu.stats()["queries_created"] - created == len(ExportCheckpoint.from_json(saved).parts) - named


def test_resume_audits_reads_an_adaptive_checkpoint_sequentially(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    got, saved = interrupted(client, 250)
    got.extend(str(r.id) for r in resume_audits(client, saved, page_size=PAGE, wait_policy=WAIT))
    assert got == expected


def test_vanished_queries_of_an_adaptive_export_run_again_on_their_own_intervals(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    got, saved = interrupted(client, 1234)
    emu.reset()  # forgets every query: the saved transaction ids now answer 404
    got.extend(str(r.id) for r in auto(client, checkpoint=saved))
    assert got == expected


def test_an_export_stopped_by_an_error_resumes_exactly(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)
    emu.reset()
    emu.add_fault("400:path=/results:skip=9:count=1")
    export = auto(client)
    got: list[str] = []
    with pytest.raises(BadRequestError):
        for record in export:
            got.append(str(record.id))
    got.extend(str(r.id) for r in auto(client, checkpoint=export.checkpoint()))
    assert got == expected


def test_async_adaptive_export_interrupted_and_resumed(client: Client, emu: Emulator) -> None:
    expected, _ = one_query(client, emu, DENSE)

    async def run() -> list[str]:
        got: list[str] = []
        export = export_audits_async(client, interval=DENSE, page_size=PAGE, wait_policy=WAIT)
        async with export:
            async for record in export:
                got.append(str(record.id))
                if len(got) == 2500:
                    break
        saved = export.checkpoint()
        assert saved.adaptive and len(saved.parts) > 1
        resumed = export_audits_async(client, interval=DENSE, page_size=PAGE, wait_policy=WAIT, checkpoint=saved)
        async with resumed:
            got.extend([str(record.id) async for record in resumed])
        return got

    assert asyncio.run(run()) == expected


def tampered(saved: str, change: Callable[[dict[str, Any]], None]) -> str:
    """`saved` changed, and signed again (as by someone who knows the format): the plan checks must see it."""
    data = ExportCheckpoint.from_json(saved).to_dict()
    change(data)
    return ExportCheckpoint.from_dict({**data, "digest": digest(data)}).to_json()


def test_a_checkpoint_of_another_plan_is_refused_before_any_request(client: Client, emu: Emulator) -> None:
    _, saved = interrupted(client, 250)
    fixed = auto(client, span=timedelta(days=1)).checkpoint().to_json()
    requests = audit_requests(emu)
    with pytest.raises(CheckpointError, match="fixed span"):
        auto(client, checkpoint=fixed)
    with pytest.raises(CheckpointError, match="adaptive"):
        auto(client, span=timedelta(days=1), checkpoint=saved)
    with pytest.raises(CheckpointError, match="do not cover"):
        auto(client, checkpoint=tampered(saved, lambda data: data["parts"].pop(1)))
    with pytest.raises(CheckpointError, match="service, filters or sort"):
        auto(client, checkpoint=saved, sort="descending")
    assert audit_requests(emu) == requests


@pytest.mark.parametrize("shape", ["clustered", "diurnal", "bursty", "even"])
def test_on_every_data_shape_the_split_costs_at_most_a_quarter_more_requests(shape: str) -> None:
    """Issue 25: records in bursts, in working hours, in spikes or even: the cuts follow what the pages
    showed, so empty stretches stop them, and the export costs at most 1.25x the requests of one query."""
    days = {"clustered": 365, "diurnal": 28, "bursty": 30, "even": 5}[shape]
    start = END - timedelta(days=days)
    config = EmulatorConfig(
        records=6000, seed=7, data_start=start, data_end=END, pending_polls=1, validate=False, shape=shape
    )
    for emulator in serve(config):
        for make in emulator_clients(rate_limit=None):
            client = make(emulator)
            expected, requests = one_query(client, emulator, (start, END))
            emulator.reset()
            with auto(client, (start, END)) as export:
                assert [str(r.id) for r in export] == expected
            assert audit_requests(emulator) <= 1.25 * requests, export.checkpoint().parts
            if shape == "even":  # dense: cut (the cuts of the others depend on where the bursts fall)
                assert len(export.checkpoint().parts) > 1


def test_records_all_in_one_millisecond_stay_one_query() -> None:
    """A dense millisecond cannot be cut further: however many pages it holds, it is one query."""
    start = END - timedelta(days=1)
    config = EmulatorConfig(
        records=1500,
        seed=3,
        data_start=start,
        data_end=start + timedelta(milliseconds=1),
        pending_polls=1,
        validate=False,
    )
    for emulator in serve(config):
        for make in emulator_clients(rate_limit=None):
            client = make(emulator)
            expected, requests = one_query(client, emulator, (start, END))
            assert len(expected) == 1500
            emulator.reset()
            with auto(client, (start, END)) as export:
                assert [str(r.id) for r in export] == expected
            assert len(export.checkpoint().parts) == 1 and audit_requests(emulator) == requests
