"""runtime/core/_security.py: each request carries the credentials of the first security alternative the client
holds, where the scheme says (a header, the query, a cookie, HTTP basic or a bearer token), and none of them
ever shows in a message or a repr. Sent to a real loopback server, which records what arrived."""

from __future__ import annotations

import asyncio
import base64
from types import MappingProxyType

import pytest
from genesys_cloud_audit import ConfigurationError
from genesys_cloud_audit._core._client import ApiRequest
from genesys_cloud_audit._core._client import Client as CoreClient
from genesys_cloud_audit._core._redaction import redact
from genesys_cloud_audit._core._security import SecurityScheme

from tests.support.scripted_server import Canned, ScriptedServer, echo_request, json_response, token_issuer

KEY = "key-0123456789"
PASSWORD = "pass-0123456789"


class PetsClient(CoreClient):
    REQUIRES_AUTH = False
    SECURITY_SCHEMES = MappingProxyType(
        {
            "header_key": SecurityScheme("apiKey", "header", "X-Api-Key"),
            "query_key": SecurityScheme("apiKey", "query", "api_key"),
            "cookie_key": SecurityScheme("apiKey", "cookie", "session"),
            "basic": SecurityScheme("basic"),
            "bearer": SecurityScheme("bearer"),
            "oauth": SecurityScheme("oauth2"),
        }
    )


def _request(*alternatives: tuple[str, ...]) -> ApiRequest:
    return ApiRequest(operation_id="getPet", method="GET", url="/pets/1", security=alternatives)


def _sent(server: ScriptedServer, client: CoreClient, request: ApiRequest) -> dict[str, object]:
    server.enqueue("GET", "/pets/1", json_response(200, {}))
    client.send(request)
    seen = server.requests_to("/pets/1")[-1]
    return {"headers": {k.lower(): v for k, v in seen.headers.items()}, "query": seen.query}


@pytest.mark.parametrize(
    ("scheme", "credential", "where", "name", "value"),
    [
        ("header_key", KEY, "headers", "x-api-key", KEY),
        ("query_key", KEY, "query", "api_key", [KEY]),
        ("cookie_key", "a b;c", "headers", "cookie", "session=a%20b%3Bc"),
        (
            "basic",
            ("user", PASSWORD),
            "headers",
            "authorization",
            "Basic " + base64.b64encode(f"user:{PASSWORD}".encode()).decode(),
        ),
        ("bearer", "bearer-0123456789", "headers", "authorization", "Bearer bearer-0123456789"),
    ],
)
def test_each_scheme_puts_its_credential_where_the_spec_says(
    scripted_server: ScriptedServer, scheme: str, credential: object, where: str, name: str, value: object
) -> None:
    client = PetsClient(base_url=scripted_server.base_url, credentials={scheme: credential})
    seen = _sent(scripted_server, client, _request((scheme,)))
    assert seen[where][name] == value  # type: ignore[index]


def test_the_first_alternative_the_client_can_meet_is_used(scripted_server: ScriptedServer) -> None:
    client = PetsClient(base_url=scripted_server.base_url, credentials={"query_key": KEY})
    seen = _sent(scripted_server, client, _request(("header_key",), ("query_key",)))
    assert seen["query"] == {"api_key": [KEY]} and "x-api-key" not in seen["headers"]  # type: ignore[operator]


def test_every_scheme_of_an_alternative_is_sent(scripted_server: ScriptedServer) -> None:
    client = PetsClient(base_url=scripted_server.base_url, credentials={"header_key": KEY, "cookie_key": "c"})
    seen = _sent(scripted_server, client, _request(("header_key", "cookie_key")))
    assert seen["headers"]["x-api-key"] == KEY and seen["headers"]["cookie"] == "session=c"  # type: ignore[index]


def test_optional_security_sends_credentials_when_held_and_nothing_otherwise(scripted_server: ScriptedServer) -> None:
    anonymous = PetsClient(base_url=scripted_server.base_url)
    seen = _sent(scripted_server, anonymous, _request((), ("header_key",)))
    assert "x-api-key" not in seen["headers"] and "authorization" not in seen["headers"]  # type: ignore[operator]
    holder = PetsClient(base_url=scripted_server.base_url, credentials={"header_key": KEY})
    assert _sent(scripted_server, holder, _request((), ("header_key",)))["headers"]["x-api-key"] == KEY  # type: ignore[index]


def test_an_operation_without_security_sends_no_credentials(scripted_server: ScriptedServer) -> None:
    client = PetsClient(
        base_url=scripted_server.base_url, credentials={"header_key": KEY}, access_token="tok-0123456789"
    )
    seen = _sent(scripted_server, client, _request())
    assert "x-api-key" not in seen["headers"] and "authorization" not in seen["headers"]  # type: ignore[operator]


def test_missing_credentials_are_named_before_anything_is_sent(scripted_server: ScriptedServer) -> None:
    client = PetsClient(base_url=scripted_server.base_url)
    with pytest.raises(ConfigurationError) as caught:
        client.send(_request(("header_key",), ("basic", "oauth")))
    assert str(caught.value) == (
        "getPet needs credentials the client was not given: 'header_key' (an API key in the header 'X-Api-Key') or "
        "'basic' (a username and password for HTTP basic) and 'oauth' (an OAuth 2 token)"
    )
    assert scripted_server.requests_to("/pets/1") == []


def test_oauth_uses_the_token_source_and_renews_it_after_a_401(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer())
    client = PetsClient(
        base_url=scripted_server.base_url,
        client_id="id",
        client_secret="secret-0123456789",
        token_url=scripted_server.base_url + "/oauth/token",
    )
    scripted_server.enqueue("GET", "/pets/1", Canned(401), json_response(200, {}))
    client.send(_request(("oauth",)))
    first, second = scripted_server.requests_to("/pets/1")
    assert first.headers["Authorization"] != second.headers["Authorization"]
    assert second.headers["Authorization"].startswith("Bearer token-")


def test_a_401_with_an_api_key_is_not_retried_with_a_new_token(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer())
    client = PetsClient(base_url=scripted_server.base_url, credentials={"header_key": KEY}, access_token="t-0123456789")
    scripted_server.enqueue("GET", "/pets/1", Canned(401))
    with pytest.raises(Exception, match="401"):
        client.send(_request(("header_key",)))
    assert len(scripted_server.requests_to("/pets/1")) == 1


def test_credentials_are_checked_when_the_client_is_made() -> None:
    with pytest.raises(ConfigurationError, match="basic: give HTTP basic credentials as a"):
        PetsClient(base_url="http://127.0.0.1:9", credentials={"basic": "user:pass"})
    with pytest.raises(ConfigurationError, match="no security scheme 'nope'"):
        PetsClient(base_url="http://127.0.0.1:9", credentials={"nope": KEY})
    with pytest.raises(ConfigurationError, match="cannot contain ':'"):
        PetsClient(base_url="http://127.0.0.1:9", credentials={"basic": ("a:b", "c")})


def test_a_server_echoing_the_credentials_cannot_put_them_in_a_message(scripted_server: ScriptedServer) -> None:
    client = PetsClient(
        base_url=scripted_server.base_url,
        credentials={"header_key": KEY, "query_key": "short", "basic": ("user", PASSWORD)},
    )
    scripted_server.enqueue("GET", "/pets/1", echo_request(400))
    with pytest.raises(Exception) as caught:
        client.send(_request(("header_key", "query_key", "basic")))
    text = str(caught.value) + repr(caught.value) + repr(client)
    for secret in (KEY, PASSWORD, base64.b64encode(f"user:{PASSWORD}".encode()).decode()):
        assert secret not in text, text
    assert "api_key=short" not in redact("GET /pets/1?api_key=short")
    assert "X-Api-Key: <redacted>" in redact("X-Api-Key: abc")


def test_async_sends_the_same(scripted_server: ScriptedServer) -> None:
    client = PetsClient(base_url=scripted_server.base_url, credentials={"header_key": KEY})
    scripted_server.enqueue("GET", "/pets/1", json_response(200, {}))

    async def call() -> None:
        await client.asend(_request(("header_key",)))
        await client.aclose()

    asyncio.run(call())
    assert scripted_server.requests_to("/pets/1")[-1].headers["X-Api-Key"] == KEY
