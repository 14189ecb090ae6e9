"""Redaction (runtime/core/_redaction.py): credentials never reach a message, a log line or the CLI's
stderr, even when a server echoes them back in its body or its headers, or a URL carries them."""

from __future__ import annotations

import asyncio
import logging
import pickle
import traceback
from pathlib import Path

import pytest
from genesys_cloud_audit import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConfigurationError,
    GenesysCloudError,
    RetryPolicy,
    Secret,
    ServerError,
)
from genesys_cloud_audit._core._redaction import redact, redact_json
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping

from tests.cli.cli_helpers import cli_env, run_cli
from tests.support.clients import CLIENT_ID, CLIENT_SECRET, make_client
from tests.support.scripted_server import Canned, ScriptedServer, echo_request, json_response, token_issuer

MAPPING = "/api/v2/audits/query/servicemapping"
TOKEN_PREFIX = "tok-PRIVATE-5d1c"  # token_issuer hands out tok-PRIVATE-5d1c-1, -2, ...


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.DEF-123_x was refused", "Authorization: Bearer <redacted> was refused"),
        ('{"Authorization":"bearer token-1"}', '{"Authorization":"bearer <redacted>"}'),
        ("Basic ZW11bGF0b3ItY2xpZW50OmVtdWxhdG9yLXNlY3JldA==", "Basic <redacted>"),
        ("Basic YTpi", "Basic <redacted>"),
        ("Digest username=x", "Digest <redacted>"),
        ("https://id:secret@host/path", "https://<redacted>@host/path"),
        ("see https://id:p@ss:w@rd@host:8443/x?y=1", "see https://<redacted>@host:8443/x?y=1"),
        (
            "grant_type=client_credentials&client_secret=hunter2&scope=x",
            "grant_type=client_credentials&client_secret=<redacted>&scope=x",
        ),
        ('{"access_token": "eyJ0", "expires_in": 3600}', '{"access_token": "<redacted>", "expires_in": 3600}'),
        ("password: hunter2", "password: <redacted>"),
        ('{\\"refresh_token\\":\\"r1\\"}', '{\\"refresh_token\\":\\"<redacted>\\"}'),
        # Sentences are left alone: a scheme followed by a word is not a credential.
        (
            "No authentication bearer token specified in authorization header.",
            "No authentication bearer token specified in authorization header.",
        ),
        ("Basic authentication failed", "Basic authentication failed"),
        (
            "cannot decode oauth/token.access_token: holds characters",
            "cannot decode oauth/token.access_token: holds characters",
        ),
        ("token: abc123", "token: <redacted>"),
        ("'secret' : 'plain'", "'secret' : '<redacted>'"),
        (
            "https://api.mypurecloud.com/api/v2 and mail ops@example.com",
            "https://api.mypurecloud.com/api/v2 and mail ops@example.com",
        ),
        ("", ""),
    ],
)
def test_redact_cuts_credentials_and_keeps_the_rest(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected  # idempotent


def test_live_secrets_are_redacted_wherever_they_appear_and_only_while_they_live() -> None:
    value = "Zq9-unguessable-secret"
    secret = Secret(value)
    assert redact(f"the server said {value}!") == "the server said <redacted>!"
    assert redact("encoded: " + value.replace("-", "%2D")) == "encoded: " + value.replace("-", "%2D")  # not a form
    assert redact("query=a%20b") == "query=a%20b"
    spaced = Secret("with space:/ and @")
    assert redact("q=with%20space%3A%2F%20and%20%40&x") == "q=<redacted>&x"
    twin = Secret(value)  # an equal secret is known on its own: one going away leaves the other
    del secret
    assert redact(value) == "<redacted>"
    del twin, spaced
    assert redact(value) == value
    assert redact("short1") == "short1" and redact(Secret("short1").reveal()) == "short1"  # too short to search


def test_redact_json_copies_every_string_and_survives_deep_nesting() -> None:
    body = {"message": "Bearer abcdef123", "details": [{"Authorization": "Basic dXNlcjpwYXNz"}, 5, None]}
    assert redact_json(body) == {
        "message": "Bearer <redacted>",
        "details": [{"Authorization": "Basic <redacted>"}, 5, None],
    }
    assert body["message"] == "Bearer abcdef123"  # a copy
    deep: list[object] = ["Bearer abcdef123"]
    for _ in range(50_000):
        deep = [deep]
    copied = redact_json(deep)
    for _ in range(50_000):
        copied = copied[0]
    assert copied == ["Bearer <redacted>"]


def _clean(text: str) -> None:
    assert TOKEN_PREFIX not in text and CLIENT_SECRET not in text, text


def _everything_about(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, ApiError):
        parts += [repr(error.body), repr(error.details), repr(error.headers), str(error.error_message)]
        parts += [repr(vars(pickle.loads(pickle.dumps(error))))]
    return "\n".join(parts)


def test_an_api_error_echoing_the_bearer_token_holds_it_nowhere(
    scripted_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(prefix=TOKEN_PREFIX))
    scripted_server.set_default("GET", MAPPING, echo_request(400))
    caplog.set_level(logging.DEBUG)
    with make_client(scripted_server, issue_tokens=False) as client, pytest.raises(BadRequestError) as caught:
        servicemapping.sync(client=client)
    error = caught.value
    sent = scripted_server.requests_to(MAPPING)[0].headers["Authorization"]
    assert sent.startswith(f"Bearer {TOKEN_PREFIX}")  # the server did receive (and echo) the token
    assert "Rejected request with headers" in str(error) and "Bearer <redacted>" in str(error)
    assert error.headers["X-Echo-Authorization"] == "Bearer <redacted>"
    _clean(_everything_about(error))
    _clean(caplog.text)


def test_a_token_endpoint_echoing_basic_credentials_holds_them_nowhere(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", echo_request(401))
    with (
        make_client(scripted_server, issue_tokens=False) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        servicemapping.sync(client=client)
    basic = scripted_server.requests_to("/oauth/token")[0].headers["Authorization"]
    assert basic.startswith("Basic ")
    text = _everything_about(caught.value)
    _clean(text)
    assert basic.split()[1] not in text and "Basic <redacted>" in text


def test_retry_log_lines_redact_what_the_server_sent(
    scripted_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(prefix=TOKEN_PREFIX))
    busy = json_response(503, {"code": f"busy Bearer {TOKEN_PREFIX}-1", "message": "x"})
    scripted_server.enqueue("GET", MAPPING, busy, busy)
    scripted_server.set_default("GET", MAPPING, json_response(200, {"services": []}))
    caplog.set_level(logging.INFO, logger="genesys_cloud_audit")
    with make_client(scripted_server, issue_tokens=False) as client:
        servicemapping.sync(client=client)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2 and all("Bearer <redacted>" in line for line in retries)
    _clean(caplog.text)


def test_async_errors_are_redacted_too(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(prefix=TOKEN_PREFIX))
    scripted_server.set_default("GET", MAPPING, echo_request(500))

    async def call() -> None:
        async with make_client(scripted_server, issue_tokens=False, retry=RetryPolicy(max_attempts=1)) as client:
            await servicemapping.asyncio(client=client)

    with pytest.raises(ServerError) as caught:
        asyncio.run(call())
    _clean(_everything_about(caught.value))


def test_a_base_url_with_credentials_is_refused_without_showing_them() -> None:
    url = "https://" + "someone:hunter2" + "-secret@api.mypurecloud.com"  # not whole in this line's source
    with pytest.raises(ConfigurationError) as caught:
        Client(base_url=url, client_id="id", client_secret="x" * 9)
    assert "hunter2" not in _everything_about(caught.value) and "someone" not in str(caught.value)
    assert "https://<redacted>@api.mypurecloud.com" in str(caught.value)


def test_the_cli_prints_no_credential_from_a_url_or_an_echoing_server(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    result = run_cli(["servicemapping", "--base-url", "https://someone:hunter2-secret@api.mypurecloud.com"])
    assert result.returncode != 0 and "hunter2" not in result.stderr + result.stdout
    assert "someone" not in result.stderr and "<redacted>" in result.stderr

    scripted_server.set_default("POST", "/oauth/token", token_issuer(prefix=TOKEN_PREFIX))
    scripted_server.set_default("GET", MAPPING, echo_request(400))
    env = cli_env(GENESYSCLOUD_OAUTHCLIENT_ID=CLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET=CLIENT_SECRET)
    result = run_cli(["servicemapping", "--base-url", scripted_server.base_url], env=env)
    assert result.returncode == 1 and "Rejected request with headers" in result.stderr
    _clean(result.stderr + result.stdout)

    scripted_server.set_default("POST", "/oauth/token", echo_request(401))
    result = run_cli(["servicemapping", "--base-url", scripted_server.base_url], env=env)
    basic = scripted_server.requests_to("/oauth/token")[-1].headers["Authorization"].split()[1]
    assert result.returncode == 1 and basic not in result.stderr
    _clean(result.stderr + result.stdout)


def test_errors_pickle_with_their_attributes_and_message() -> None:
    import httpx

    error = ApiError(
        429,
        body={"code": "too.many", "message": "slow down"},
        headers=httpx.Headers({"Retry-After": "3"}),
        operation_id="listThings",
        method="GET",
        path="/things",
        decode_body=lambda body: dict(body),
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ApiError and str(copy) == str(error) == "HTTP 429 too.many: slow down [listThings GET /things]"
    assert (copy.status, copy.code, copy.headers["Retry-After"]) == (429, "too.many", "3")
    assert copy.error_body == {"code": "too.many", "message": "slow down"}  # decoded before pickling
    assert isinstance(pickle.loads(pickle.dumps(GenesysCloudError("plain"))), GenesysCloudError)
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(Secret("never-pickled-1"))


def test_a_server_echoing_secrets_in_a_dropped_exchange_reaches_no_message(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer(prefix=TOKEN_PREFIX))
    scripted_server.set_default(
        "GET",
        MAPPING,
        Canned(raw=f"HTTP/1.1 200 OK\r\nX-Token: Bearer {TOKEN_PREFIX}-1\r\nContent-Length: 99\r\n\r\n{{".encode()),
    )
    with make_client(scripted_server, issue_tokens=False) as client, pytest.raises(GenesysCloudError) as caught:
        servicemapping.sync(client=client)
    _clean(_everything_about(caught.value))
