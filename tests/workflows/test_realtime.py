"""realtime_audits and realtime_audits_async against the emulator: every record once, in order, resumable."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from genesys_cloud_audit import Client, ConfigurationError, IntervalError, realtime_audits, realtime_audits_async
from genesys_cloud_audit.workflows._arguments import realtime
from genesys_cloud_audit.workflows._realtime import RealtimeExport

from emulator import Emulator
from tests.workflows.conftest import DATA_END, DATA_START, RECORDS

SPAN = (DATA_START, DATA_END)


def expected_ids(emu: Emulator, *, service: str | None = None, descending: bool = False) -> list[str]:
    records = [emu.app.dataset.record(index) for index in range(RECORDS)]
    ids = [str(r["id"]) for r in records if service is None or r["serviceName"] == service]
    return ids[::-1] if descending else ids


def test_every_record_once_in_order(emu: Emulator, client: Client) -> None:
    pager = realtime_audits(client, interval=SPAN, page_size=70)
    assert [str(record.id) for record in pager] == expected_ids(emu)
    assert pager.done and pager.pages_read == -(-RECORDS // 70)
    assert pager.page_number == pager.pages_read + 1


def test_the_default_page_size_is_the_largest(emu: Emulator, client: Client) -> None:
    assert len(list(realtime_audits(client, interval=SPAN))) == RECORDS
    pages = emu.stats()["by_route"]
    assert sum(sum(counts.values()) for route, counts in pages.items() if "realtime" in route) == 3  # 500 a page


def test_async_form_yields_the_same(emu: Emulator, client: Client) -> None:
    async def collect() -> list[str]:
        try:
            pager = realtime_audits_async(client, interval=SPAN, page_size=90, sort="descending")
            return [str(record.id) async for record in pager]
        finally:
            await client.aclose()

    assert asyncio.run(collect()) == expected_ids(emu, descending=True)


def test_service_filter_and_expansion(emu: Emulator, client: Client) -> None:
    records = list(realtime_audits(client, interval=SPAN, service_name="Routing", expand_user=True, page_size=50))
    assert [str(r.id) for r in records] == expected_ids(emu, service="Routing")
    assert records and all(r.service_name == "Routing" for r in records)
    assert any(getattr(r.user, "name", None) for r in records)
    plain = list(realtime_audits(client, interval=SPAN, service_name="Routing", page_size=500))
    assert not any(isinstance(getattr(r.user, "name", None), str) for r in plain)


@pytest.mark.parametrize("stop", [0, 1, 69, 70, 71, 500, RECORDS - 1])
def test_resume_from_page_number_and_skip_sync_and_async(emu: Emulator, client: Client, stop: int) -> None:
    pager = realtime_audits(client, interval=SPAN, page_size=70)
    head = [str(next(pager).id) for _ in range(stop)]
    rest = realtime_audits(client, interval=SPAN, page_size=70, page_number=pager.page_number, skip=pager.skip)
    assert head + [str(r.id) for r in rest] == expected_ids(emu)

    async def collect() -> list[str]:
        try:
            resumed = realtime_audits_async(
                client, interval=SPAN, page_size=70, page_number=pager.page_number, skip=pager.skip
            )
            return [str(r.id) async for r in resumed]
        finally:
            await client.aclose()

    assert head + asyncio.run(collect()) == expected_ids(emu)


def test_realtime_export_checkpoints_resume_exactly(emu: Emulator, client: Client) -> None:
    export = RealtimeExport(realtime(client, interval=SPAN, page_size=100))
    batches = export.batches()
    head = [str(r.id) for _ in range(3) for r in next(batches)]
    saved = export.checkpoint()
    assert saved.kind == "realtime" and saved.parts[0].page_number == 4 and saved.records_read == 300
    from genesys_cloud_audit import ExportCheckpoint
    from genesys_cloud_audit.workflows._arguments import ExportArguments
    from genesys_cloud_audit.workflows._query_args import ReadSettings

    restored = ExportCheckpoint.from_json(saved.to_json())
    resumed = RealtimeExport(ExportArguments(client, restored, ReadSettings(100)))
    assert head + [str(r.id) for batch in resumed.batches() for r in batch] == expected_ids(emu)
    finished = resumed.checkpoint()
    assert finished.done and finished.records_read == RECORDS
    emu.reset()
    assert list(RealtimeExport(ExportArguments(client, finished, ReadSettings(100))).batches()) == []
    assert emu.stats()["requests"] == 0  # nothing left to read, nothing sent


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"page_size": 0}, ConfigurationError),
        ({"page_size": 501}, ConfigurationError),
        ({"page_number": 0}, ConfigurationError),
        ({"page_number": True}, ConfigurationError),
        ({"skip": -1}, ConfigurationError),
        ({"sort": "sideways"}, ConfigurationError),
        ({"interval": "2026-10-01T00:00:00/2026-10-02T00:00:00"}, IntervalError),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    emu: Emulator, client: Client, arguments: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        realtime_audits(client, **{"interval": SPAN, **arguments})  # type: ignore[arg-type]
    with pytest.raises(error):
        realtime_audits_async(client, **{"interval": SPAN, **arguments})  # type: ignore[arg-type]
    assert emu.stats()["requests"] == 0


def test_the_signature_and_documentation_are_the_realtime_ones() -> None:
    parameters = inspect.signature(realtime_audits).parameters
    assert list(parameters) == list(inspect.signature(realtime_audits_async).parameters)
    assert {"interval", "service_name", "page_number", "skip", "expand_user"} <= set(parameters)
    assert parameters["page_size"].default == 500 and parameters["expand_user"].default is False
    assert "page_number, skip" in (realtime_audits.__doc__ or "")
