"""Client configuration from the environment, and every operation sync and async end to end."""

import pytest
from genesys_cloud_audit import Client, ConfigurationError

from tests.runtime import consumer_typecheck
from tests.support.clients import CLIENT_ID, CLIENT_SECRET
from tests.support.scripted_server import ScriptedServer, json_response, token_issuer

ENV = {
    "GENESYSCLOUD_OAUTHCLIENT_ID": CLIENT_ID,
    "GENESYSCLOUD_OAUTHCLIENT_SECRET": CLIENT_SECRET,
    "GENESYSCLOUD_REGION": "eu-central-1",
}
RECORD = {"id": "r1", "level": "PARTNER", "eventDate": "2026-11-01T10:00:00.123Z", "futureField": 1}


def test_from_env_reads_credentials_and_region() -> None:
    client = Client.from_env(environ=ENV)
    assert client.base_url == "https://api.mypurecloud.de"
    assert "login.mypurecloud.de/oauth/token" in repr(client)
    assert CLIENT_SECRET not in repr(client)


@pytest.mark.parametrize("missing", ["GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"])
def test_from_env_names_the_missing_variable(missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        Client.from_env(environ=env)


def test_from_env_names_the_region_variable_when_it_is_wrong() -> None:
    with pytest.raises(ConfigurationError, match="GENESYSCLOUD_REGION"):
        Client.from_env(environ={**ENV, "GENESYSCLOUD_REGION": "atlantis"})


def test_from_env_defaults_to_us_east_1_and_accepts_overrides() -> None:
    env = {k: v for k, v in ENV.items() if k != "GENESYSCLOUD_REGION"}
    assert Client.from_env(environ=env).base_url == "https://api.mypurecloud.com"
    assert Client.from_env(environ={}, access_token="ready").base_url == "https://api.mypurecloud.com"


def test_from_env_reads_the_api_base_url_as_genesys_tools_do() -> None:
    env = {**ENV, "GENESYSCLOUD_API_REGION": "https://api.mypurecloud.ie/"}
    client = Client.from_env(environ=env)
    assert client.base_url == "https://api.mypurecloud.ie"  # it wins over GENESYSCLOUD_REGION
    assert "login.mypurecloud.ie/oauth/token" in repr(client)
    local = Client.from_env(environ={**ENV, "GENESYSCLOUD_API_REGION": "http://127.0.0.1:8080"})
    assert local.base_url == "http://127.0.0.1:8080" and "127.0.0.1:8080/oauth/token" in repr(local)
    # A region or base URL given in code wins over the variable.
    assert Client.from_env(environ=env, region="us_west_2").base_url == "https://api.usw2.pure.cloud"
    assert Client.from_env(environ=env, base_url="https://api.mypurecloud.jp").base_url == "https://api.mypurecloud.jp"


@pytest.mark.parametrize("url", ["http://api.example.com", "ftp://x", "not a url"])
def test_from_env_names_the_base_url_variable_when_it_is_wrong(url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^GENESYSCLOUD_API_REGION: "):
        Client.from_env(environ={**ENV, "GENESYSCLOUD_API_REGION": url})
    # Overridden in code, the variable is not read.
    assert Client.from_env(environ={**ENV, "GENESYSCLOUD_API_REGION": url}, base_url="https://api.mypurecloud.de")


def test_a_region_variable_under_a_base_url_variable_is_not_read() -> None:
    env = {**ENV, "GENESYSCLOUD_REGION": "atlantis", "GENESYSCLOUD_API_REGION": "https://api.mypurecloud.de"}
    assert Client.from_env(environ=env).base_url == "https://api.mypurecloud.de"


def test_every_operation_sync_and_async_through_the_consumer_script(
    scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    server = scripted_server
    server.set_default("POST", "/oauth/token", token_issuer())
    mapping = json_response(200, {"services": [{"name": "Architect", "entities": []}]})
    server.set_default("GET", "/api/v2/audits/query/servicemapping", mapping)
    server.set_default("GET", "/api/v2/audits/query/realtime/servicemapping", mapping)
    server.set_default("POST", "/api/v2/audits/query", json_response(202, {"id": "tx-1", "state": "Queued"}))
    server.set_default("GET", "/api/v2/audits/query/tx-1", json_response(200, {"id": "tx-1", "state": "Succeeded"}))
    server.set_default("GET", "/api/v2/audits/query/tx-1/results", json_response(200, {"entities": [RECORD]}))
    realtime = {"entities": [RECORD], "pageNumber": 1, "pageCount": 1, "total": 1}
    server.set_default("POST", "/api/v2/audits/query/realtime", json_response(200, realtime))
    synchronous, asynchronous = consumer_typecheck.main(base_url=server.base_url)
    expected = ["Architect", "Architect", "tx-1", "Succeeded", "unknown:PARTNER", "unknown:PARTNER"]
    assert synchronous == expected
    assert asynchronous == expected
    assert len(server.requests_to("/oauth/token")) == 1  # one token serves the sync and async calls
    assert server.requests_to("/api/v2/audits/query/tx-1/results")[0].query == {"pageSize": ["2"]}
