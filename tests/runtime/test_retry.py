"""Retries: Retry-After, 5xx bursts within and beyond the budget, POST safety, transport failures."""

import asyncio
import email.utils
import time

import pytest
from genesys_cloud_audit import RequestOptions, RetryPolicy, ServerError, TransportError, TransportTimeoutError
from genesys_cloud_audit._core._client import ApiRequest
from genesys_cloud_audit._core._errors import parse_retry_after
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping
from genesys_cloud_audit.api.audit import post_audits_query
from genesys_cloud_audit.models.audit_query_request import AuditQueryRequest

from tests.support.clients import make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response

MAPPING = "/api/v2/audits/query/servicemapping"
QUERY = "/api/v2/audits/query"
OK = json_response(200, {"services": []})
UNAVAILABLE = json_response(503, {"code": "service.unavailable", "message": "busy", "contextId": "ctx-503"})


def test_parse_retry_after_seconds_and_http_dates() -> None:
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = time.time()
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)


def test_429_with_retry_after_then_success_sync(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, json_response(429, {"code": "too.many.requests"}, {"Retry-After": "1"}), OK)
    with make_client(scripted_server) as client:
        assert servicemapping.sync(client=client).services == []
    assert len(scripted_server.requests_to(MAPPING)) == 2


def test_429_with_retry_after_then_success_async(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, json_response(429, {}, {"Retry-After": "1"}), OK)
    client = make_client(scripted_server)

    async def run() -> None:
        async with client:
            assert (await servicemapping.asyncio(client=client)).services == []

    asyncio.run(run())
    assert len(scripted_server.requests_to(MAPPING)) == 2


def test_retry_after_is_capped_by_the_policy(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, json_response(429, {}, {"Retry-After": "3600"}), OK)
    policy = RetryPolicy(max_retry_after=0.01, initial_backoff=0.001)
    with make_client(scripted_server, retry=policy) as client:
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to(MAPPING)) == 2


def test_503_burst_within_budget_succeeds_sync(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, OK)
    with make_client(scripted_server) as client:  # 4 attempts
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to(MAPPING)) == 4


def test_503_burst_beyond_budget_raises_server_error_with_request_id_sync(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, UNAVAILABLE)
    with make_client(scripted_server) as client, pytest.raises(ServerError) as caught:
        servicemapping.sync(client=client)
    assert caught.value.status == 503
    assert caught.value.request_id == "ctx-503"
    assert "ctx-503" in str(caught.value)
    assert len(scripted_server.requests_to(MAPPING)) == 4


def test_503_burst_within_and_beyond_budget_async(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, UNAVAILABLE, UNAVAILABLE, OK)
    client = make_client(scripted_server)

    async def run() -> None:
        async with client:
            await servicemapping.asyncio(client=client)
            scripted_server.set_default("GET", MAPPING, UNAVAILABLE)
            with pytest.raises(ServerError) as caught:
                await servicemapping.asyncio(client=client)
            assert caught.value.request_id == "ctx-503"

    asyncio.run(run())
    assert len(scripted_server.requests_to(MAPPING)) == 3 + 4


def test_request_options_override_attempts_per_call(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, UNAVAILABLE)
    with make_client(scripted_server) as client, pytest.raises(ServerError):
        servicemapping.sync(client=client, request_options=RequestOptions(max_attempts=2))
    assert len(scripted_server.requests_to(MAPPING)) == 2


def test_deadline_stops_retrying_before_a_wait_that_would_pass_it(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, json_response(429, {}, {"Retry-After": "30"}))
    with make_client(scripted_server) as client, pytest.raises(Exception) as caught:
        servicemapping.sync(client=client, request_options=RequestOptions(deadline=5.0, max_attempts=10))
    assert caught.value.__class__.__name__ == "RateLimitError"
    assert len(scripted_server.requests_to(MAPPING)) == 1


def test_a_write_that_is_not_retry_safe_is_resent_only_after_a_refusal(scripted_server: ScriptedServer) -> None:
    write = ApiRequest(operation_id="writeSomething", method="POST", url=QUERY, json={}, retry_safe=False)
    created = json_response(202, {"id": "tx-1", "state": "Queued"})
    scripted_server.enqueue("POST", QUERY, json_response(500, {"code": "internal.server.error"}))
    with make_client(scripted_server) as client:
        with pytest.raises(ServerError):
            client.send(write)
        assert len(scripted_server.requests_to(QUERY)) == 1
        scripted_server.enqueue("POST", QUERY, UNAVAILABLE, json_response(429, {}), created)
        assert client.send(write).json()["id"] == "tx-1"
    assert len(scripted_server.requests_to(QUERY)) == 4


def test_creating_an_audit_query_is_resent_after_a_500_and_a_dropped_connection(
    scripted_server: ScriptedServer,
) -> None:
    body = AuditQueryRequest(interval="2026-11-01T00:00:00Z/2026-11-02T00:00:00Z")
    created = json_response(202, {"id": "tx-1", "state": "Queued"})
    scripted_server.enqueue(
        "POST", QUERY, json_response(500, {"code": "internal.server.error"}), Canned(drop=True), created
    )
    with make_client(scripted_server) as client:
        assert post_audits_query.sync(client=client, body=body).id == "tx-1"
    assert len(scripted_server.requests_to(QUERY)) == 3


def test_dropped_connections_are_retried_for_safe_calls(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, Canned(drop=True), OK)
    with make_client(scripted_server) as client:
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to(MAPPING)) == 2


def test_persistent_transport_failure_raises_transport_error(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, Canned(drop=True))
    with make_client(scripted_server) as client, pytest.raises(TransportError):
        servicemapping.sync(client=client)


def test_read_timeouts_raise_transport_timeout_error_sync_and_async(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, json_response(200, {}, delay=0.5))
    options = RequestOptions(timeout=0.05, max_attempts=2)
    client = make_client(scripted_server)
    with pytest.raises(TransportTimeoutError):
        servicemapping.sync(client=client, request_options=options)

    async def run() -> None:
        with pytest.raises(TransportTimeoutError):
            await servicemapping.asyncio(client=client, request_options=options)
        await client.aclose()

    asyncio.run(run())
    assert len(scripted_server.requests_to(MAPPING)) == 4


def test_connection_refused_is_a_transport_error() -> None:
    from genesys_cloud_audit import Client

    client = Client(
        base_url="http://127.0.0.1:9", access_token="t", retry=RetryPolicy(max_attempts=2, initial_backoff=0)
    )
    with client, pytest.raises(TransportError):
        servicemapping.sync(client=client)


def test_default_timeouts_are_finite() -> None:
    from genesys_cloud_audit import DEFAULT_TIMEOUT

    assert DEFAULT_TIMEOUT.connect is not None and DEFAULT_TIMEOUT.read is not None
    assert 0 < DEFAULT_TIMEOUT.connect <= 30 and 0 < DEFAULT_TIMEOUT.read <= 120
