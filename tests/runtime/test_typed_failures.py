"""Every failure the client raises is a GenesysCloudError: one case per place that raised something else.

Servers misbehave (a status without an id, error and token bodies nested 100,000 deep, a token that
would forge a header, garbage content encoding, a cut-off body, bytes that are not HTTP, a 2xx status
HTTP does not define) and callers pass what cannot be sent (an unusable base URL, a NaN in a body, a
policy with a negative or NaN number); each ends in a typed error with a one-line message.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import (
    BadRequestError,
    Client,
    ClientCredentials,
    ConfigurationError,
    DecodingError,
    GenesysCloudError,
    RateLimiter,
    RetryPolicy,
    Secret,
    TransportError,
    UnexpectedStatusError,
    WaitPolicy,
    query_audits,
)
from genesys_cloud_audit._core._client import ApiRequest
from genesys_cloud_audit._core._retry import parse_retry_after
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id as status_op
from genesys_cloud_audit.api.audit import post_audits_query
from genesys_cloud_audit.models import AuditQueryRequest

from tests.cli.cli_helpers import cli_env, query_args, run_cli
from tests.support.clients import make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response, token_issuer

MAPPING = "/api/v2/audits/query/servicemapping"
QUERY = "/api/v2/audits/query"
INTERVAL = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
FAST = WaitPolicy(first_interval=0.0, max_interval=0.01, deadline=10.0)
ONE_ATTEMPT = RetryPolicy(max_attempts=1)
DEEP = b"[" * 100_000 + b"]" * 100_000


def raises_typed(call: Callable[[], object], kind: type[GenesysCloudError]) -> GenesysCloudError:
    with pytest.raises(GenesysCloudError) as caught:
        call()
    error = caught.value
    assert isinstance(error, kind), f"{type(error).__name__}: {error}"
    assert "\n" not in str(error) and str(error)
    return error


# -- servers ---------------------------------------------------------------------------------------


def test_a_created_query_status_without_an_id_is_a_decoding_error(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", QUERY, json_response(202, {"state": "Queued"}))
    body = AuditQueryRequest(interval=INTERVAL)
    with make_client(scripted_server) as client:
        error = raises_typed(
            lambda: post_audits_query.sync_and_wait(client=client, body=body, policy=FAST), DecodingError
        )
        assert str(error) == "cannot decode response field id: required field is missing"
        raises_typed(lambda: next(query_audits(client, interval=INTERVAL, wait_policy=FAST)), DecodingError)

        async def create_and_wait() -> object:
            try:
                return await post_audits_query.asyncio_and_wait(client=client, body=body, policy=FAST)
            finally:
                await client.aclose()

        raises_typed(lambda: asyncio.run(create_and_wait()), DecodingError)


def test_the_cli_reports_a_status_without_an_id_in_one_line(scripted_server: ScriptedServer, tmp_path: Path) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer())
    scripted_server.set_default("POST", QUERY, json_response(202, {"state": "Queued"}))
    output = tmp_path / "out.jsonl"
    result = run_cli(query_args(scripted_server, output, "--interval", INTERVAL, "--quiet"), env=cli_env())
    assert result.returncode == 1
    assert "genesys-audit: error: cannot decode response field id: required field is missing" in result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr


def test_an_error_body_nested_too_deep_still_gives_the_typed_error(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", MAPPING, Canned(400, DEEP, {"Content-Type": "application/json"}))
    with make_client(scripted_server, retry=ONE_ATTEMPT) as client:
        error = raises_typed(lambda: servicemapping.sync(client=client), BadRequestError)
    assert isinstance(error, BadRequestError) and error.status == 400 and error.body == {}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (DEEP, None),
        (b'{"access_token": "abc\\r\\nX-Injected: 1", "expires_in": 60}', "access_token"),
        (b'{"access_token": "two words", "expires_in": 60}', "access_token"),
        ('{"access_token": "t\u00f6ken", "expires_in": 60}'.encode(), "access_token"),
        (b'{"access_token": "abcdefgh", "expires_in": NaN}', "expires_in"),
        (b'{"access_token": "abcdefgh", "expires_in": 1e400}', "expires_in"),
    ],
    ids=["nested-too-deep", "header-injection", "space", "non-ascii", "nan-lifetime", "infinite-lifetime"],
)
def test_an_unusable_token_response_is_a_decoding_error(
    scripted_server: ScriptedServer, payload: bytes, field: str | None
) -> None:
    scripted_server.set_default("POST", "/oauth/token", Canned(200, payload, {"Content-Type": "application/json"}))
    scripted_server.set_default("GET", MAPPING, json_response(200, {"services": []}))
    with make_client(scripted_server, issue_tokens=False, retry=ONE_ATTEMPT) as client:
        error = raises_typed(lambda: servicemapping.sync(client=client), DecodingError)
    assert isinstance(error, DecodingError) and error.field == field
    assert scripted_server.requests_to(MAPPING) == []  # nothing was sent with it


def test_a_lifetime_too_large_for_a_float_is_taken_as_long(scripted_server: ScriptedServer) -> None:
    payload = b'{"access_token": "abcdefgh", "expires_in": 1' + b"0" * 400 + b"}"
    scripted_server.set_default("POST", "/oauth/token", Canned(200, payload, {"Content-Type": "application/json"}))
    scripted_server.set_default("GET", MAPPING, json_response(200, {"services": []}))
    with make_client(scripted_server, issue_tokens=False) as client:
        servicemapping.sync(client=client)
        servicemapping.sync(client=client)
    assert len(scripted_server.requests_to("/oauth/token")) == 1


_GARBAGE = b"this is not HTTP at all\r\n\r\n"
_CUT_OFF = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"services": ['
_BAD_CHUNKS = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n"


@pytest.mark.parametrize(
    "answer",
    [
        Canned(200, b"plain text, not gzip", {"Content-Encoding": "gzip", "Content-Type": "application/json"}),
        Canned(raw=_GARBAGE),
        Canned(raw=_CUT_OFF),
        Canned(raw=_BAD_CHUNKS),
    ],
    ids=["bad-content-encoding", "not-http", "cut-off-body", "bad-chunked-encoding"],
)
def test_a_broken_response_is_a_transport_error_retried_for_safe_calls(
    scripted_server: ScriptedServer, answer: Canned
) -> None:
    scripted_server.set_default("GET", MAPPING, answer)
    with make_client(scripted_server) as client:
        error = raises_typed(lambda: servicemapping.sync(client=client), TransportError)
    assert error.__cause__ is not None and str(error).startswith("getAuditsQueryServicemapping: ")
    assert len(scripted_server.requests_to(MAPPING)) == 4  # FAST_RETRY's attempts: it was worth retrying
    scripted_server.enqueue("GET", MAPPING, answer)
    scripted_server.set_default("GET", MAPPING, json_response(200, {"services": []}))
    with make_client(scripted_server) as client:
        assert servicemapping.sync(client=client).services == []


def test_a_2xx_status_http_does_not_define_is_an_unexpected_status(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", "/api/v2/audits/query/tx-1", json_response(299, {"id": "tx-1"}))
    with make_client(scripted_server) as client:
        for call in (status_op.sync, status_op.sync_detailed):
            error = raises_typed(lambda call=call: call("tx-1", client=client), UnexpectedStatusError)  # type: ignore[misc]
            assert isinstance(error, UnexpectedStatusError) and error.status == 299


def test_a_failed_token_fetch_is_resent_even_for_a_call_that_is_not_retry_safe(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("POST", "/oauth/token", Canned(drop=True))
    scripted_server.set_default("POST", "/oauth/token", token_issuer())
    scripted_server.set_default("POST", "/things", json_response(201, {}))
    with make_client(scripted_server, issue_tokens=False) as client:
        client.send(ApiRequest("createThing", "POST", "/things", json={"a": 1}, retry_safe=False))
    assert len(scripted_server.requests_to("/oauth/token")) == 2 and len(scripted_server.requests_to("/things")) == 1


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "1e999",
        "nan",
        "inf",
        "-inf",
        "Mon, 99 Foo 2026 99:99:99 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 +9999",
        "\x00",
        "0x10",
        "1_000",
        ",",
        "Tue, 30 Feb 2026 10:00:00 GMT",
    ],
)
def test_any_retry_after_gives_a_wait_or_none(value: str) -> None:
    wait = parse_retry_after(value)
    assert wait is None or wait >= 0


# -- callers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Client(base_url="http://[::1", access_token="abcdefgh"),
        lambda: Client(base_url="http://127.0.0.1:99999", access_token="abcdefgh"),
        lambda: Client(base_url="http://127.0.0.1:port", access_token="abcdefgh"),
        lambda: Client(base_url="https://id:secret@api.mypurecloud.com", access_token="abcdefgh"),
        lambda: Client(base_url="https://api.mypurecloud.com", client_id="id", client_secret="s", token_url="x:/y"),
        lambda: Client(access_token=""),
        lambda: Secret(""),
        lambda: ClientCredentials("", "secret", "https://login.mypurecloud.com/oauth/token"),
        lambda: RetryPolicy(max_attempts=0),
        lambda: RetryPolicy(initial_backoff=-1),
        lambda: RetryPolicy(deadline=math.nan),
        lambda: RetryPolicy(max_retry_after=math.inf),
        lambda: RateLimiter(0),
        lambda: RateLimiter(10, window=math.nan),
        lambda: WaitPolicy(deadline=math.nan),
        lambda: WaitPolicy(first_interval=-1),
        lambda: WaitPolicy(growth=math.inf),
    ],
    ids=[
        "broken-ipv6",
        "port-out-of-range",
        "port-not-a-number",
        "credentials-in-url",
        "token-url",
        "empty-token",
        "empty-secret",
        "empty-client-id",
        "no-attempts",
        "negative-backoff",
        "nan-deadline",
        "infinite-retry-after",
        "no-rate",
        "nan-window",
        "nan-wait-deadline",
        "negative-interval",
        "infinite-growth",
    ],
)
def test_unusable_settings_are_configuration_errors(make: Callable[[], Any]) -> None:
    error = raises_typed(make, ConfigurationError)
    assert isinstance(error, ValueError)  # as before: callers catching ValueError still catch it


@pytest.mark.parametrize(
    "request_",
    [
        ApiRequest("createThing", "POST", "/things", json={"ratio": math.nan}),
        ApiRequest("createThing", "POST", "/things", json={"when": object()}),
        ApiRequest("listThings", "GET", "http://[::1/things"),
    ],
    ids=["nan-in-json", "not-json", "bad-url"],
)
def test_a_request_that_cannot_be_built_is_a_configuration_error(
    scripted_server: ScriptedServer, request_: ApiRequest
) -> None:
    with make_client(scripted_server) as client:
        error = raises_typed(lambda: client.send(request_), ConfigurationError)
    assert str(error).startswith(f"{request_.operation_id}: cannot build the request: ")
    assert scripted_server.requests_to("/things") == []
