"""OAuth client credentials: lazy fetch, caching, renewal before expiry and after 401, concurrency."""

import asyncio
import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
from genesys_cloud_audit import AuthenticationError, Client
from genesys_cloud_audit._core._auth import ClientCredentials
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping

from tests.support.clients import CLIENT_ID, CLIENT_SECRET, FAST_RETRY, make_client
from tests.support.scripted_server import ScriptedServer, json_response, token_issuer

MAPPING = "/api/v2/audits/query/servicemapping"
OK = json_response(200, {"services": [{"name": "Architect"}]})


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bearer_tokens(server: ScriptedServer) -> list[str]:
    return [r.headers["Authorization"] for r in server.requests_to(MAPPING)]


def test_token_is_fetched_lazily_with_basic_auth_and_form_body(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, OK)
    client = make_client(scripted_server)
    assert scripted_server.requests == []  # nothing fetched at construction
    with client:
        servicemapping.sync(client=client)
        servicemapping.sync(client=client)
    (token_request,) = scripted_server.requests_to("/oauth/token")
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(token_request.body.decode()) == {"grant_type": ["client_credentials"]}
    assert bearer_tokens(scripted_server) == ["Bearer token-1", "Bearer token-1"]


def test_a_ready_access_token_is_used_as_is(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, OK)
    with Client(base_url=scripted_server.base_url, access_token="ready-made") as client:
        servicemapping.sync(client=client)
    assert scripted_server.requests_to("/oauth/token") == []
    assert bearer_tokens(scripted_server) == ["Bearer ready-made"]


def _clocked_client(server: ScriptedServer, clock: FakeClock, expires_in: int = 3600) -> Client:
    server.set_default("POST", "/oauth/token", token_issuer(expires_in=expires_in, delay=0.05))
    server.set_default("GET", MAPPING, OK)
    auth = ClientCredentials(CLIENT_ID, CLIENT_SECRET, server.base_url + "/oauth/token", clock=clock)
    return Client(base_url=server.base_url, auth=auth, retry=FAST_RETRY)


def test_token_expiring_mid_run_is_renewed_exactly_once_across_threads(scripted_server: ScriptedServer) -> None:
    clock = FakeClock()
    with _clocked_client(scripted_server, clock) as client:
        servicemapping.sync(client=client)
        clock.now += 3600 - 300 + 1  # inside the renewal margin
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda _: servicemapping.sync(client=client), range(32)))
    assert len(scripted_server.requests_to("/oauth/token")) == 2
    assert set(bearer_tokens(scripted_server)[1:]) == {"Bearer token-2"}


def test_token_expiring_mid_run_is_renewed_exactly_once_across_tasks(scripted_server: ScriptedServer) -> None:
    clock = FakeClock()
    client = _clocked_client(scripted_server, clock)

    async def run() -> None:
        async with client:
            await servicemapping.asyncio(client=client)
            clock.now += 3600
            await asyncio.gather(*(servicemapping.asyncio(client=client) for _ in range(30)))

    asyncio.run(run())
    assert len(scripted_server.requests_to("/oauth/token")) == 2
    assert set(bearer_tokens(scripted_server)[1:]) == {"Bearer token-2"}


def test_short_lived_tokens_are_reused_for_half_their_lifetime(scripted_server: ScriptedServer) -> None:
    clock = FakeClock()
    with _clocked_client(scripted_server, clock, expires_in=60) as client:
        servicemapping.sync(client=client)
        clock.now += 29
        servicemapping.sync(client=client)
        assert len(scripted_server.requests_to("/oauth/token")) == 1
        clock.now += 2
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to("/oauth/token")) == 2


def test_fifty_concurrent_async_calls_fetch_one_token(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(delay=0.1))
    scripted_server.set_default("GET", MAPPING, OK)
    client = make_client(scripted_server, issue_tokens=False)

    async def run() -> None:
        async with client:
            await asyncio.gather(*(servicemapping.asyncio(client=client) for _ in range(50)))

    asyncio.run(run())
    assert len(scripted_server.requests_to("/oauth/token")) == 1
    assert len(scripted_server.requests_to(MAPPING)) == 50


def test_many_threads_fetch_one_token(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(delay=0.1))
    scripted_server.set_default("GET", MAPPING, OK)
    start = threading.Barrier(20)

    def call(client: Client) -> None:
        start.wait()
        servicemapping.sync(client=client)

    with make_client(scripted_server, issue_tokens=False) as client, ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda _: call(client), range(20)))
    assert len(scripted_server.requests_to("/oauth/token")) == 1
    assert len(scripted_server.requests_to(MAPPING)) == 20


def test_401_renews_the_token_once_and_succeeds(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, OK, json_response(401, {"code": "bad.credentials"}), OK)
    with make_client(scripted_server) as client:
        servicemapping.sync(client=client)
        servicemapping.sync(client=client)
    assert bearer_tokens(scripted_server) == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_401_renews_once_async(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", MAPPING, json_response(401, {"code": "bad.credentials"}), OK)
    client = make_client(scripted_server)

    async def run() -> None:
        async with client:
            await servicemapping.asyncio(client=client)

    asyncio.run(run())
    assert bearer_tokens(scripted_server) == ["Bearer token-1", "Bearer token-2"]


def test_a_renewed_token_refused_again_raises_authentication_error(scripted_server: ScriptedServer) -> None:
    refused = json_response(401, {"code": "bad.credentials", "message": "Invalid login credentials."})
    scripted_server.set_default("GET", MAPPING, refused)
    with make_client(scripted_server) as client, pytest.raises(AuthenticationError) as caught:
        servicemapping.sync(client=client)
    assert caught.value.status == 401
    assert len(scripted_server.requests_to("/oauth/token")) == 3  # first token, two renewals, no more
    assert len(scripted_server.requests_to(MAPPING)) == 3


def test_a_token_refused_right_after_another_call_renewed_it_is_renewed_again(scripted_server: ScriptedServer) -> None:
    # Under concurrency the token a caller reuses after a 401 may already be spent (another caller's
    # requests used it up): it is renewed a second time instead of failing the call.
    refused = json_response(401, {"code": "bad.credentials", "message": "Invalid login credentials."})
    scripted_server.enqueue("GET", MAPPING, refused, refused)
    scripted_server.set_default("GET", MAPPING, OK)
    with make_client(scripted_server) as client:
        servicemapping.sync(client=client)
    assert bearer_tokens(scripted_server) == ["Bearer token-1", "Bearer token-2", "Bearer token-3"]


def test_refused_client_credentials_raise_authentication_error(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default(
        "POST", "/oauth/token", json_response(400, {"error": "invalid_client", "description": "bad secret"})
    )
    with make_client(scripted_server, issue_tokens=False) as client, pytest.raises(AuthenticationError) as caught:
        servicemapping.sync(client=client)
    assert caught.value.code == "invalid_client"
    assert caught.value.operation_id == "oauth/token"
    assert scripted_server.requests_to(MAPPING) == []


def test_token_endpoint_refusals_are_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("POST", "/oauth/token", json_response(503, {"code": "service.unavailable"}))
    scripted_server.set_default("GET", MAPPING, OK)
    with make_client(scripted_server) as client:
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to("/oauth/token")) == 2
