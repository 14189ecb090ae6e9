"""Split exports against the rate-limited emulator: same records as one sequential query, in order,
few 429s; interrupted exports (sync and async) resume to exactly the uninterrupted result."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from genesys_cloud_audit import Client, ExportCheckpoint, WaitPolicy, export_audits, export_audits_async, query_audits
from genesys_cloud_audit.errors import BadRequestError

from emulator import Emulator
from tests.bulk.conftest import END, START

MONTH = (END - timedelta(days=30), END)
SPAN = timedelta(days=3)
# The resume tests' export: the month in 3-day sub-queries, 4 at a time, 50 records a page.
RESUMABLE: dict[str, object] = {"interval": MONTH, "span": SPAN, "concurrency": 4, "page_size": 50}


class Interrupted(Exception):
    pass


def sequential(client: Client, wait_policy: WaitPolicy, interval: object = (START, END), **query: object) -> list[str]:
    return [str(r.id) for r in query_audits(client, interval=interval, wait_policy=wait_policy, **query)]  # type: ignore[arg-type]


def assert_resumes_to(
    expected: list[str], got: list[str], client: Client, checkpoint: ExportCheckpoint, wait_policy: WaitPolicy
) -> None:
    """`got` and what the RESUMABLE export resumed from `checkpoint` yields are `expected`, in order."""
    resumed = export_audits(client, checkpoint=checkpoint, wait_policy=wait_policy, **RESUMABLE)  # type: ignore[arg-type]
    assert got + [str(record.id) for record in resumed] == expected


def share_of_429(emu: Emulator) -> float:
    stats = emu.stats()
    return stats["too_many_requests"] / stats["requests"]


@pytest.fixture
def limited_client(emu: Emulator, make_client: Callable[[Emulator], Client]) -> Client:
    return make_client(emu)


@pytest.fixture
def month_ids(limited_client: Client, wait_policy: WaitPolicy) -> list[str]:
    """The month's record ids, in order, from one sequential query."""
    return sequential(limited_client, wait_policy, MONTH)


def resent_creates(caplog: pytest.LogCaptureFixture) -> int:
    """Query creations the client sent again after a failure the server may have processed (not a 429 or
    503 refusal): creating is safe to repeat, and each such resend may create one more query."""
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("postAuditsQuery: retrying after")]
    return sum(1 for message in retries if "after HTTP 429" not in message and "after HTTP 503" not in message)


@pytest.mark.slow
def test_ninety_days_at_concurrency_8_match_a_sequential_export(
    emu: Emulator, make_client: Callable[[Emulator], Client], wait_policy: WaitPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="genesys_cloud_audit")
    client = make_client(emu)
    expected = sequential(client, wait_policy)
    assert len(expected) > 1000
    with export_audits(
        client, interval=(START, END), span=SPAN, concurrency=8, page_size=100, wait_policy=wait_policy
    ) as export:
        got = [str(record.id) for record in export]
    assert got == expected
    assert export.checkpoint().done and export.progress.done == 30
    stats = emu.stats()
    assert stats["queries_created"] == 31 + resent_creates(caplog)  # one query a sub-query, and the sequential one
    assert share_of_429(emu) < 0.01


def test_descending_sort_yields_sub_queries_in_reverse(
    emu: Emulator, make_client: Callable[[Emulator], Client], wait_policy: WaitPolicy
) -> None:
    client = make_client(emu)
    expected = sequential(client, wait_policy, MONTH, sort="descending")
    export = export_audits(client, interval=MONTH, span=SPAN, concurrency=4, sort="descending", wait_policy=wait_policy)
    assert [str(record.id) for record in export] == expected


def test_unordered_export_yields_each_record_once(
    emu: Emulator, limited_client: Client, wait_policy: WaitPolicy, month_ids: list[str]
) -> None:
    client, expected = limited_client, month_ids
    export = export_audits(client, interval=MONTH, span=SPAN, concurrency=4, ordered=False, wait_policy=wait_policy)
    batches = [[str(record.id) for record in batch] for batch in export.batches()]
    got = [record for batch in batches for record in batch]
    assert sorted(got) == sorted(expected) and len(set(got)) == len(got)


@pytest.mark.parametrize("ordered", [True, False])
def test_interrupted_export_resumes_exactly(
    emu: Emulator, limited_client: Client, wait_policy: WaitPolicy, month_ids: list[str], ordered: bool
) -> None:
    client, expected = limited_client, month_ids
    options = {**RESUMABLE, "ordered": ordered}
    got: list[str] = []
    with pytest.raises(Interrupted), export_audits(client, wait_policy=wait_policy, **options) as export:  # type: ignore[arg-type]
        for record in export:
            got.append(str(record.id))
            if len(got) == len(expected) // 4 + 7:  # a quarter through, midway through a page of a sub-query
                raise Interrupted
    saved = export.checkpoint().to_json()
    checkpoint = ExportCheckpoint.from_json(saved)
    assert checkpoint.records_read == len(got) and not checkpoint.done
    finished = [part for part in checkpoint.parts if part.done]
    unstarted = [part for part in checkpoint.parts if part.transaction_id is None]
    # How many later sub-queries the workers started ahead, within the page budget, is up to scheduling.
    assert finished and len(unstarted) < len(checkpoint.parts) - len(finished)
    created_before = emu.stats()["queries_created"]
    resumed = export_audits(client, checkpoint=saved, wait_policy=wait_policy, **options)  # type: ignore[arg-type]
    got.extend(str(record.id) for record in resumed)
    if ordered:
        assert got == expected
    else:
        assert sorted(got) == sorted(expected) and len(set(got)) == len(got)
    # Finished sub-queries were not run again; started ones reused their query.
    assert emu.stats()["queries_created"] - created_before == len(unstarted)


def test_export_stopped_by_an_error_resumes_exactly(
    emu: Emulator, limited_client: Client, wait_policy: WaitPolicy, month_ids: list[str]
) -> None:
    client, expected = limited_client, month_ids
    emu.add_fault("400:path=/results:skip=9:count=1")
    export = export_audits(client, wait_policy=wait_policy, **RESUMABLE)  # type: ignore[arg-type]
    got: list[str] = []
    with pytest.raises(BadRequestError):
        for record in export:
            got.append(str(record.id))
    assert_resumes_to(expected, got, client, export.checkpoint(), wait_policy)


def test_resume_runs_vanished_sub_queries_again(
    emu: Emulator, limited_client: Client, wait_policy: WaitPolicy, month_ids: list[str]
) -> None:
    client, expected = limited_client, month_ids
    export = export_audits(client, wait_policy=wait_policy, **RESUMABLE)  # type: ignore[arg-type]
    got = [str(record.id) for _, record in zip(range(len(expected) // 3), export, strict=False)]
    export.close()
    emu.reset()  # forgets every query: the saved transaction ids now answer 404
    assert_resumes_to(expected, got, client, export.checkpoint(), wait_policy)


def test_async_export_interrupted_and_resumed(
    emu: Emulator, limited_client: Client, wait_policy: WaitPolicy, month_ids: list[str]
) -> None:
    client, expected = limited_client, month_ids
    options = RESUMABLE

    async def interrupted() -> tuple[list[str], str]:
        got: list[str] = []
        export = export_audits_async(client, wait_policy=wait_policy, **options)  # type: ignore[arg-type]
        with pytest.raises(Interrupted):
            async with export:
                async for record in export:
                    got.append(str(record.id))
                    if len(got) == len(expected) // 2 + 3:
                        raise Interrupted
        return got, export.checkpoint().to_json()

    async def resumed(saved: str) -> list[str]:
        export = export_audits_async(client, checkpoint=saved, wait_policy=wait_policy, **options)  # type: ignore[arg-type]
        async with export:
            return [str(record.id) async for record in export]

    got, saved = asyncio.run(interrupted())
    got.extend(asyncio.run(resumed(saved)))
    assert got == expected
    assert share_of_429(emu) < 0.01
