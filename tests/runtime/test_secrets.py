"""The client secret and tokens never reach reprs, log records (DEBUG included), exceptions or our frames."""

import asyncio
import logging
import traceback

import pytest
from genesys_cloud_audit import ApiError, AuthenticationError, Client, ConfigurationError, GenesysCloudError
from genesys_cloud_audit._core._secrets import Secret
from genesys_cloud_audit.api.audit import get_audits_query_servicemapping as servicemapping

from tests.support.clients import CLIENT_SECRET, make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response

MAPPING = "/api/v2/audits/query/servicemapping"
TOKEN = "tok-VERY-PRIVATE-91ab"


def _issue_private_token(server: ScriptedServer) -> None:
    server.set_default("POST", "/oauth/token", json_response(200, {"access_token": TOKEN, "expires_in": 3600}))


def _assert_clean(text: str) -> None:
    assert CLIENT_SECRET not in text
    assert TOKEN not in text


def _frames_text(error: BaseException) -> str:
    """Every local of every frame that belongs to this package, as repr, through the cause chain."""
    parts = []
    seen: BaseException | None = error
    while seen is not None:
        for frame, _ in traceback.walk_tb(seen.__traceback__):
            if "genesys_cloud_audit" in frame.f_code.co_filename:
                parts.extend(f"{name}={value!r}" for name, value in frame.f_locals.items())
        parts.append("".join(traceback.format_exception(seen)))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def test_secret_wrapper_never_renders_its_value() -> None:
    secret = Secret(CLIENT_SECRET)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret}"):
        _assert_clean(text)
    assert secret.reveal() == CLIENT_SECRET


def test_client_repr_hides_credentials(scripted_server: ScriptedServer) -> None:
    with make_client(scripted_server) as client:
        _assert_clean(repr(client))
        _assert_clean(repr(client.auth))
        _assert_clean(repr(vars(client.auth)))
    _assert_clean(repr(Client(base_url=scripted_server.base_url, access_token=TOKEN)))


def test_debug_logs_and_errors_of_a_rough_session_contain_no_secret(
    scripted_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    _issue_private_token(scripted_server)
    scripted_server.enqueue(
        "GET",
        MAPPING,
        json_response(503, {"code": "busy"}),
        json_response(401, {"code": "bad.credentials"}),
        json_response(200, {"services": []}),
        Canned(drop=True),
        json_response(403, {"code": "missing.permissions", "message": "needs audits:audit:view"}),
    )
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    errors: list[BaseException] = []
    with make_client(scripted_server, issue_tokens=False) as client:
        servicemapping.sync(client=client)
        try:
            servicemapping.sync(client=client)
        except ApiError as error:
            errors.append(error)

        async def run() -> None:
            scripted_server.set_default("GET", MAPPING, json_response(401, {}))
            try:
                await servicemapping.asyncio(client=client)
            except AuthenticationError as error:
                errors.append(error)
            await client.aclose()

        asyncio.run(run())
    assert any(r.name == "genesys_cloud_audit" for r in caplog.records)
    assert any(r.levelno == logging.DEBUG and r.name == "genesys_cloud_audit" for r in caplog.records)
    assert any("retrying" in r.getMessage() for r in caplog.records)
    _assert_clean(caplog.text)
    _assert_clean("\n".join(repr(r.__dict__) for r in caplog.records))
    assert len(errors) == 2
    for error in errors:
        _assert_clean(str(error))
        _assert_clean(repr(error))
        _assert_clean(_frames_text(error))


def test_refused_credentials_error_contains_no_secret(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", json_response(401, {"error": "invalid_client"}))
    with make_client(scripted_server, issue_tokens=False) as client, pytest.raises(GenesysCloudError) as caught:
        servicemapping.sync(client=client)
    _assert_clean(str(caught.value))
    _assert_clean(_frames_text(caught.value))


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        Client(base_url="http://api.mypurecloud.com", client_id="id", client_secret=CLIENT_SECRET)
