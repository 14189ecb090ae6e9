"""The one-call export against the emulator: order, faults, resume, waiter outcomes."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from genesys_cloud_audit import (
    Client,
    ExportCheckpoint,
    WaitFailedError,
    WaitPolicy,
    WaitTimeoutError,
    query_audits,
    query_audits_async,
    resume_audits,
    resume_audits_async,
)

from emulator import Emulator

Span = tuple[datetime, datetime]


async def collect_async(client: Client, span: Span, wait: WaitPolicy) -> list[str | object]:
    """Every record id of an async export, closing the client's async pool after."""
    try:
        return [record.id async for record in query_audits_async(client, interval=span, wait_policy=wait)]
    finally:
        await client.aclose()


def test_sync_export_yields_every_record_in_order(
    client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    export = query_audits(client, interval=span, sort="ascending", wait_policy=fast_wait)
    ids = [record.id for record in export]
    assert ids == expected_ids
    assert export.records_read == len(expected_ids)
    assert export.pages_read == len(expected_ids) // 500
    assert export.done


def test_async_export_yields_every_record_in_order(
    client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    assert asyncio.run(collect_async(client, span, fast_wait)) == expected_ids


def test_descending_sort_reverses_the_records(
    client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    export = query_audits(client, interval=span, sort="descending", page_size=250, wait_policy=fast_wait)
    assert [record.id for record in export] == expected_ids[::-1]


def test_injected_429_and_503_neither_duplicate_nor_skip_records(
    emu: Emulator, client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    emu.add_fault("429:path=/results:every=3:count=12:retry_after=0")
    emu.add_fault("503:path=/results:every=5:count=8")
    emu.add_fault("503:path=/api/v2/audits/query/[^/]+$:count=2")
    ids = [record.id for record in query_audits(client, interval=span, wait_policy=fast_wait)]
    assert ids == expected_ids
    assert len(set(ids)) == len(ids)
    faults = emu.app.faults.snapshot()
    assert all(rule["fired"] > 0 for rule in faults), faults


def test_injected_faults_async(
    emu: Emulator, client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    emu.add_fault("429:path=/results:every=4:count=10:retry_after=0")
    emu.add_fault("503:path=/results:every=7:count=5")

    assert asyncio.run(collect_async(client, span, fast_wait)) == expected_ids


def test_resume_from_cursor_saved_after_page_ten(
    client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    export = query_audits(client, interval=span, wait_policy=fast_wait)
    pages = export.detailed_pages()
    first = [record.id for _ in range(10) for record in next(pages).items]
    saved = export.checkpoint().to_json()
    assert ExportCheckpoint.from_json(saved).parts[0].skip == 0
    assert first == expected_ids[:5000]

    rest = [record.id for record in resume_audits(client, saved, wait_policy=fast_wait)]
    assert rest == expected_ids[5000:]


def test_resume_part_way_through_a_page_sync_and_async(
    client: Client, span: Span, expected_ids: list[str], fast_wait: WaitPolicy
) -> None:
    export = query_audits(client, interval=span, page_size=300, wait_policy=fast_wait)
    head = [next(export).id for _ in range(1234)]
    checkpoint = export.checkpoint()
    assert checkpoint.records_read == 1234
    assert checkpoint.parts[0].skip == 1234 % 300

    resumed = resume_audits(client, checkpoint, page_size=300, wait_policy=fast_wait)
    assert head + [record.id for record in resumed] == expected_ids
    assert resumed.records_read == len(expected_ids)
    finished = resumed.checkpoint()
    assert finished.done
    assert list(resume_audits(client, finished.to_json())) == []

    async def collect() -> list[str | object]:
        try:
            export = resume_audits_async(client, checkpoint, page_size=300, wait_policy=fast_wait)
            return [record.id async for record in export]
        finally:
            await client.aclose()

    assert head + asyncio.run(collect()) == expected_ids


def test_failed_query_raises_wait_failed_error(
    emu: Emulator, client: Client, span: Span, fast_wait: WaitPolicy
) -> None:
    emu.app.config.update({"fail_queries": True})
    export = query_audits(client, interval=span, wait_policy=fast_wait)
    with pytest.raises(WaitFailedError) as caught:
        next(export)
    assert caught.value.state == "Failed"
    assert caught.value.resource_id == export.transaction_id


def test_failed_query_raises_async(emu: Emulator, client: Client, span: Span, fast_wait: WaitPolicy) -> None:
    emu.app.config.update({"fail_queries": True})

    async def first() -> object:
        try:
            return await anext(query_audits_async(client, interval=span, wait_policy=fast_wait))
        finally:
            await client.aclose()

    with pytest.raises(WaitFailedError, match="Failed"):
        asyncio.run(first())


def test_query_that_never_finishes_raises_deadline_error_with_its_id(emu: Emulator, client: Client, span: Span) -> None:
    emu.app.config.update({"pending_polls": 1_000_000})
    export = query_audits(
        client, interval=span, wait_policy=WaitPolicy(first_interval=0.01, max_interval=0.05, deadline=0.3)
    )
    with pytest.raises(WaitTimeoutError) as caught:
        next(export)
    assert export.transaction_id is not None
    assert caught.value.resource_id == export.transaction_id
    assert caught.value.last_state in {"Queued", "Running"}
    assert export.transaction_id in str(caught.value)


def test_async_wait_is_cancellable(emu: Emulator, client: Client, span: Span) -> None:
    emu.app.config.update({"pending_polls": 1_000_000})
    policy = WaitPolicy(first_interval=0.01, max_interval=0.02, deadline=None)

    async def cancel_while_waiting() -> int:
        export = query_audits_async(client, interval=span, wait_policy=policy)
        task = asyncio.create_task(export.start())
        while emu.stats().get("requests", {}) == {} or export.transaction_id is None:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.aclose()
        return 0

    asyncio.run(asyncio.wait_for(cancel_while_waiting(), timeout=30))
