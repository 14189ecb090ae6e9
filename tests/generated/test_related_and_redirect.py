"""The operations and fields of the newer reference page, through the generated client and the emulator.

postAuditsQueryRealtimeRelated answers the audits one action created; allowRedirect is never sent
unless asked for, and a large-results page (downloadUrl, no entities) decodes without loss.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from emulator import EmulatorConfig, run_emulator
from emulator.server import Emulator
from genesys_cloud_audit import Client, NotFoundError
from genesys_cloud_audit.api.audit import (
    get_audits_query_transaction_id_results,
    post_audits_query,
    post_audits_query_realtime_related,
)
from genesys_cloud_audit.models import (
    AuditExpandField,
    AuditLogMessage,
    AuditQueryExecutionLargeResultsResponse,
    AuditQueryRequest,
    AuditQuerySort,
    AuditRealtimeRelatedRequest,
)
from genesys_cloud_audit.models.audit_query_sort_name import AuditQuerySortName
from genesys_cloud_audit.models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from genesys_cloud_audit.types import Unset

END = datetime(2026, 11, 1, tzinfo=UTC)
INTERVAL = "2026-10-02T00:00:00.000Z/2026-11-01T00:00:00.000Z"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with run_emulator(EmulatorConfig(records=400, data_end=END, pending_polls=0, redirect_over=0)) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    with Client(base_url=emulator.base_url, client_id="emulator-client", client_secret="emulator-secret") as c:
        yield c


def every_record(client: Client) -> list[AuditLogMessage]:
    status = post_audits_query.sync_and_wait(client=client, body=AuditQueryRequest(interval=INTERVAL))
    assert isinstance(status.id, str)
    return list(get_audits_query_transaction_id_results.paginate(status.id, client=client, page_size=500))


def test_related_audits_in_one_call(client: Client) -> None:
    records = every_record(client)
    groups: dict[str, list[str]] = {}
    for record in records:
        action = record.initiating_action
        if not isinstance(action, Unset) and isinstance(action.transaction_id, str):
            groups.setdefault(action.transaction_id, []).append(str(record.id))
    ids = next(ids for ids in groups.values() if len(ids) > 1)
    related = post_audits_query_realtime_related.sync(
        client=client, body=AuditRealtimeRelatedRequest(audit_id=ids[-1]), expand=[AuditExpandField.USER]
    )
    assert isinstance(related.entities, list)
    assert [e.id for e in related.entities] == ids
    newest_first = AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=AuditQuerySortSortOrder.DESCENDING)
    body = AuditRealtimeRelatedRequest(audit_id=ids[0], sort=[newest_first])

    async def both() -> list[str]:
        async with Client(base_url=client.base_url, client_id="emulator-client", client_secret="emulator-secret") as c:
            answer = await post_audits_query_realtime_related.asyncio(client=c, body=body)
            return [str(e.id) for e in answer.entities or []]

    assert asyncio.run(both()) == ids[::-1]
    with pytest.raises(NotFoundError):
        post_audits_query_realtime_related.sync(client=client, body=AuditRealtimeRelatedRequest(audit_id="nope"))


def test_allow_redirect_is_sent_only_when_asked(client: Client, emulator: Emulator) -> None:
    status = post_audits_query.sync_and_wait(client=client, body=AuditQueryRequest(interval=INTERVAL))
    assert isinstance(status.id, str)
    plain = get_audits_query_transaction_id_results.sync(status.id, client=client, page_size=20)
    assert isinstance(plain.entities, list) and len(plain.entities) == 20  # redirect_over=0, yet records
    assert emulator.stats()["redirected"] == 0
    page = get_audits_query_transaction_id_results.sync(status.id, client=client, page_size=20, allow_redirect=True)
    assert isinstance(page.entities, Unset)  # not an empty page: the records are behind downloadUrl
    assert page.cursor == plain.cursor
    assert "downloadUrl" in page.additional_properties
    large = AuditQueryExecutionLargeResultsResponse.from_dict(page.to_dict())
    assert isinstance(large.download_url, str)
    assert large.download_url.startswith(emulator.base_url + "/_emulator/downloads/")
    assert (large.id, large.page_size, large.cursor) == (page.id, 20, plain.cursor)
    assert emulator.stats()["validation_errors"] == 0
