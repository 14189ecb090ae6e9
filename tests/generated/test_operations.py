"""Every operation, sync and async, through the generated client against the emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from emulator import EmulatorConfig, run_emulator
from emulator.server import Emulator
from genesys_cloud_audit import Client, NotFoundError
from genesys_cloud_audit.api.audit import (
    get_audits_query_realtime_servicemapping,
    get_audits_query_servicemapping,
    get_audits_query_transaction_id,
    get_audits_query_transaction_id_results,
    post_audits_query,
    post_audits_query_realtime,
)
from genesys_cloud_audit.models import (
    AuditExpandField,
    AuditQueryRequest,
    AuditQuerySort,
    AuditRealtimeQueryRequest,
)
from genesys_cloud_audit.models.audit_query_execution_status_response_state import (
    AuditQueryExecutionStatusResponseState as State,
)
from genesys_cloud_audit.models.audit_query_sort_name import AuditQuerySortName
from genesys_cloud_audit.models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from tests.support.clients import make_client
from tests.support.scripted_server import ScriptedServer, json_response

END = datetime(2026, 11, 1, tzinfo=UTC)
INTERVAL = "2026-10-02T00:00:00.000Z/2026-11-01T00:00:00.000Z"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    # All 120 records inside the realtime window (the last 14 days), so both kinds of query see them.
    with run_emulator(EmulatorConfig(records=120, data_start=END - timedelta(days=14), data_end=END,
                                     pending_polls=1)) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    with Client(base_url=emulator.base_url, client_id="emulator-client", client_secret="emulator-secret") as c:
        yield c


def test_servicemappings(client: Client) -> None:
    for module in (get_audits_query_servicemapping, get_audits_query_realtime_servicemapping):
        mapping = module.sync(client=client)
        names = [service.name for service in mapping.services or []]
        assert "Architect" in names
        detailed = module.sync_detailed(client=client)
        assert detailed.status_code == 200 and detailed.parsed == mapping


def test_query_lifecycle_and_results(client: Client) -> None:
    body = AuditQueryRequest(
        interval=INTERVAL,
        sort=[AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=AuditQuerySortSortOrder.ASCENDING)],
    )
    created = post_audits_query.sync(client=client, body=body)
    assert created.state == State.QUEUED and isinstance(created.id, str)
    first = get_audits_query_transaction_id.sync_detailed(created.id, client=client)
    assert first.status_code == 202
    done = post_audits_query.wait(created.id, client=client)
    assert done.state == State.SUCCEEDED

    page = get_audits_query_transaction_id_results.sync(
        created.id, client=client, page_size=50, expand=[AuditExpandField.USER]
    )
    assert page.page_size == 50 and len(page.entities or []) == 50 and isinstance(page.cursor, str)
    records = list(get_audits_query_transaction_id_results.paginate(created.id, client=client, page_size=50))
    assert len(records) == 120
    dates = [r.event_date for r in records]
    assert dates == sorted(dates)


def test_realtime_query(client: Client) -> None:
    body = AuditRealtimeQueryRequest(interval=INTERVAL, page_number=1, page_size=25)
    page = post_audits_query_realtime.sync(client=client, body=body, expand=[AuditExpandField.USER])
    assert page.total == 120 and page.page_count == 5 and len(page.entities or []) == 25
    assert len(list(post_audits_query_realtime.paginate(client=client, body=body))) == 120


def test_unknown_transaction_is_not_found(client: Client) -> None:
    with pytest.raises(NotFoundError) as info:
        get_audits_query_transaction_id.sync("no-such-transaction", client=client)
    assert info.value.status == 404 and info.value.code == "not.found" and info.value.request_id


def test_every_operation_async(emulator: Emulator) -> None:
    async def scenario() -> tuple[int, int, int]:
        async with Client(
            base_url=emulator.base_url, client_id="emulator-client", client_secret="emulator-secret"
        ) as client:
            mapping = await get_audits_query_servicemapping.asyncio(client=client)
            realtime_mapping = await get_audits_query_realtime_servicemapping.asyncio(client=client)
            status = await post_audits_query.asyncio_and_wait(client=client, body=AuditQueryRequest(interval=INTERVAL))
            assert isinstance(status.id, str)
            again = await get_audits_query_transaction_id.asyncio(status.id, client=client)
            assert again.state == State.SUCCEEDED
            records = [
                r async for r in get_audits_query_transaction_id_results.paginate_async(status.id, client=client)
            ]
            realtime = await post_audits_query_realtime.asyncio(
                client=client, body=AuditRealtimeQueryRequest(interval=INTERVAL)
            )
            return len(mapping.services or []) + len(realtime_mapping.services or []), len(records), realtime.total or 0

    services, records, total = asyncio.run(scenario())
    assert services > 0 and records == 120 and total == 120


def test_a_query_created_final_is_not_polled(scripted_server: ScriptedServer) -> None:
    """When the create call answers a final state, sync_and_wait sends no status poll."""
    done = {"id": "t-9", "state": "Succeeded"}
    scripted_server.set_default("POST", "/api/v2/audits/query", json_response(200, done))
    body = AuditQueryRequest(interval="2026-11-01T00:00:00Z/2026-11-02T00:00:00Z")
    with make_client(scripted_server) as client:
        assert post_audits_query.sync_and_wait(client=client, body=body).id == "t-9"
        assert asyncio.run(post_audits_query.asyncio_and_wait(client=client, body=body)).id == "t-9"
    assert scripted_server.requests_to("/api/v2/audits/query/t-9", method="GET") == []
    assert len(scripted_server.requests_to("/api/v2/audits/query")) == 2
