"""A consumer of the public API, checked by `mypy --strict` (tests/runtime/test_typecheck.py) and run
against a scripted server (tests/runtime/test_client.py): every operation sync and async, policies,
regions, errors and enums."""

from __future__ import annotations

import asyncio

import httpx
from genesys_cloud_audit import (
    REGIONS,
    ApiError,
    Client,
    DecodingError,
    RateLimitError,
    RequestOptions,
    RetryPolicy,
    ServerError,
    TransportError,
)
from genesys_cloud_audit.api.audit import (
    get_audits_query_realtime_servicemapping,
    get_audits_query_servicemapping,
    get_audits_query_transaction_id,
    get_audits_query_transaction_id_results,
    post_audits_query,
    post_audits_query_realtime,
)
from genesys_cloud_audit.models.audit_log_message import AuditLogMessage
from genesys_cloud_audit.models.audit_log_message_level import AuditLogMessageLevel
from genesys_cloud_audit.models.audit_query_request import AuditQueryRequest
from genesys_cloud_audit.models.audit_query_sort import AuditQuerySort
from genesys_cloud_audit.models.audit_query_sort_name import AuditQuerySortName
from genesys_cloud_audit.models.audit_query_sort_sort_order import AuditQuerySortSortOrder
from genesys_cloud_audit.models.audit_realtime_query_request import AuditRealtimeQueryRequest

INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
SORT = [AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=AuditQuerySortSortOrder.DESCENDING)]


def describe(error: ApiError) -> str:
    parts: list[str] = [str(error.status), error.code or "", error.error_message or "", error.request_id or ""]
    retry_after: float | None = error.retry_after if isinstance(error, RateLimitError) else None
    body = error.error_body
    details: list[dict[str, object]] = list(error.details)
    header: str | None = error.headers.get("ININ-Correlation-Id")
    return " ".join(parts) + f" {retry_after} {body is not None} {len(details)} {header}"


def levels(records: list[AuditLogMessage]) -> list[str]:
    seen: list[str] = []
    for record in records:
        level: AuditLogMessageLevel | object = record.level
        if isinstance(level, AuditLogMessageLevel):
            seen.append(level.value if level.is_known else f"unknown:{level.value}")
    return seen


def run_sync(client: Client) -> list[str]:
    options = RequestOptions(max_attempts=2, deadline=10.0, timeout=httpx.Timeout(5.0, connect=1.0))
    mapping = get_audits_query_servicemapping.sync(client=client, request_options=options)
    realtime_mapping = get_audits_query_realtime_servicemapping.sync(client=client)
    created = post_audits_query.sync(client=client, body=AuditQueryRequest(interval=INTERVAL, sort=SORT))
    status = get_audits_query_transaction_id.sync("tx-1", client=client)
    results = get_audits_query_transaction_id_results.sync("tx-1", client=client, page_size=2)
    realtime = post_audits_query_realtime.sync(client=client, body=AuditRealtimeQueryRequest(interval=INTERVAL))
    detailed = get_audits_query_transaction_id.sync_detailed("tx-1", client=client)
    assert detailed.status_code == 200
    records: list[AuditLogMessage] = [*(results.entities or []), *(realtime.entities or [])]
    names = [s.name for s in (mapping.services or []) + (realtime_mapping.services or []) if isinstance(s.name, str)]
    return [*names, str(created.id), str(status.state), *levels(records)]


async def run_async(client: Client) -> list[str]:
    mapping = await get_audits_query_servicemapping.asyncio(client=client)
    realtime_mapping = await get_audits_query_realtime_servicemapping.asyncio(client=client)
    created = await post_audits_query.asyncio(client=client, body=AuditQueryRequest(interval=INTERVAL))
    status = await get_audits_query_transaction_id.asyncio("tx-1", client=client)
    results = await get_audits_query_transaction_id_results.asyncio("tx-1", client=client)
    realtime = await post_audits_query_realtime.asyncio(
        client=client, body=AuditRealtimeQueryRequest(interval=INTERVAL)
    )
    detailed = await post_audits_query_realtime.asyncio_detailed(
        client=client, body=AuditRealtimeQueryRequest(interval=INTERVAL)
    )
    assert detailed.parsed is not None
    records = [*(results.entities or []), *(realtime.entities or [])]
    names = [s.name for s in (mapping.services or []) + (realtime_mapping.services or []) if isinstance(s.name, str)]
    return [*names, str(created.id), str(status.state), *levels(records)]


def main(base_url: str | None = None) -> tuple[list[str], list[str]]:
    assert "eu_west_1" in REGIONS
    policy = RetryPolicy(max_attempts=3, deadline=30.0, initial_backoff=0.01, max_backoff=0.1)
    client = Client.from_env(retry=policy) if base_url is None else Client.from_env(base_url=base_url, retry=policy)
    try:
        with client:
            synchronous = run_sync(client)
        asynchronous = asyncio.run(_async_main(client))
    except ApiError as error:
        raise SystemExit(describe(error)) from error
    except (ServerError, TransportError, DecodingError) as error:
        raise SystemExit(str(error)) from error
    return synchronous, asynchronous


async def _async_main(client: Client) -> list[str]:
    async with client:
        return await run_async(client)


if __name__ == "__main__":
    print(main())
