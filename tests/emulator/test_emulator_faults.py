"""Fault injection, rate limiting, stats and reset."""

from __future__ import annotations

import httpx
import pytest

from emulator import Emulator, FaultRule, parse_fault, run_emulator
from tests.emulator.emu_helpers import WHOLE_SPAN, get_token, make_config, run_query

MAPPING = "/api/v2/audits/query/servicemapping"


def test_next_k_requests_matching_a_path(client: httpx.Client, emulator: Emulator) -> None:
    added = client.post("/_emulator/faults", json={"spec": "503:path=/results:count=2"})
    assert added.status_code == 201
    tx = run_query(client, {"interval": WHOLE_SPAN})  # not /results: untouched
    statuses = [client.get(f"/api/v2/audits/query/{tx}/results").status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    faults = client.get("/_emulator/faults").json()["faults"]
    assert faults[0]["seen"] == 4 and faults[0]["fired"] == 2
    assert client.get(f"/api/v2/audits/query/{tx}/results").status_code == 200
    body = client.get(MAPPING).json()
    assert "services" in body


def test_every_nth_request_gets_429(client: httpx.Client, emulator: Emulator) -> None:
    client.post(
        "/_emulator/faults",
        json={"kind": 429, "every": 3, "retry_after": 2, "path": "servicemapping"},
    )
    responses = [client.get(MAPPING) for _ in range(6)]
    assert [r.status_code for r in responses] == [200, 200, 429, 200, 200, 429]
    limited = responses[2]
    assert limited.headers["Retry-After"] == "2"
    assert limited.json()["code"] == "too.many.requests.retry.after"
    stats = client.get("/_emulator/stats").json()
    assert stats["too_many_requests"] == 2 and stats["faults_fired"] == 2
    assert stats["by_route"]["GET /api/v2/audits/query/servicemapping"] == {
        "200": 4,
        "429": 2,
    }


@pytest.mark.parametrize("status", [500, 503, 504])
def test_server_errors(client: httpx.Client, status: int) -> None:
    client.post("/_emulator/faults", json={"kind": "status", "status": status, "count": 1})
    response = client.get(MAPPING)
    assert response.status_code == status
    assert response.json()["status"] == status
    assert client.get(MAPPING).status_code == 200


def test_skip_and_method(client: httpx.Client) -> None:
    client.post("/_emulator/faults", json={"spec": "500:method=POST:skip=1:count=1"})
    assert client.get(MAPPING).status_code == 200
    url = "/api/v2/audits/query"
    statuses = [client.post(url, json={"interval": WHOLE_SPAN}).status_code for _ in range(3)]
    assert statuses == [202, 500, 202]


def test_dropped_connection(client: httpx.Client, emulator: Emulator) -> None:
    client.post("/_emulator/faults", json={"spec": "drop:count=1:path=servicemapping"})
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(MAPPING)
    assert client.get(MAPPING).status_code == 200
    assert emulator.stats()["dropped"] == 1


def test_a_lost_answer_took_effect(client: httpx.Client, emulator: Emulator) -> None:
    client.post("/_emulator/faults", json={"spec": "lose:count=1:method=POST"})
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/v2/audits/query", json={"interval": WHOLE_SPAN})
    assert client.post("/api/v2/audits/query", json={"interval": WHOLE_SPAN}).status_code == 202
    stats = emulator.stats()
    assert stats["queries_created"] == 2 and stats["dropped"] == 1  # the first query exists, orphaned


def test_token_endpoint_faults(anon: httpx.Client) -> None:
    anon.post("/_emulator/faults", json={"spec": "503:path=^/oauth/token$:count=1"})
    first = anon.post(
        "/oauth/token",
        auth=("emulator-client", "emulator-secret"),
        data={"grant_type": "client_credentials"},
    )
    assert first.status_code == 503
    assert get_token(anon)


def test_delay_is_counted(client: httpx.Client, emulator: Emulator) -> None:
    emulator.add_fault("delay:seconds=0.01:count=2")
    assert client.get(MAPPING).status_code == 200
    assert client.get(MAPPING).status_code == 200
    assert emulator.stats()["delayed"] == 2


def test_unknown_enums_and_extra_fields(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": WHOLE_SPAN})
    client.post("/_emulator/faults", json={"spec": "unknown-enum:path=/results"})
    client.post("/_emulator/faults", json={"spec": "extra-fields:path=/results"})
    page = client.get(f"/api/v2/audits/query/{tx}/results").json()
    assert {r["level"] for r in page["entities"]} == {"PARTNER"}
    assert {r["status"] for r in page["entities"]} == {"PARTIAL"}
    assert all("partnerAttribution" in r for r in page["entities"])
    assert "emulatorNotice" in page
    stats = client.get("/_emulator/stats").json()
    assert stats["validation_errors"] == 0  # deliberate faults are not spec drift
    client.delete("/_emulator/faults")
    clean = client.get(f"/api/v2/audits/query/{tx}/results").json()
    assert "emulatorNotice" not in clean
    assert {r["level"] for r in clean["entities"]} <= {
        "USER",
        "SYSTEM",
        "GENESYS_INTERNAL",
    }


def test_rate_limit(anon: httpx.Client) -> None:
    anon.patch("/_emulator/config", json={"rate_limit_rpm": 3}).raise_for_status()
    first = {"Authorization": f"Bearer {get_token(anon)}"}
    second = {"Authorization": f"Bearer {get_token(anon)}"}
    statuses = [anon.get(MAPPING, headers=first).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = anon.get(MAPPING, headers=first)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.json()["code"] == "too.many.requests.retry.after"
    assert anon.get(MAPPING, headers=second).status_code == 200  # per token
    stats = anon.get("/_emulator/stats").json()
    assert stats["rate_limited"] == 3


def test_rate_limit_off_by_default(client: httpx.Client) -> None:
    assert all(client.get(MAPPING).status_code == 200 for _ in range(30))


def test_reset_restores_start_state(client: httpx.Client) -> None:
    client.post("/_emulator/faults", json={"spec": "503"})
    client.patch("/_emulator/config", json={"pending_polls": 9})
    assert client.get(MAPPING).status_code == 503
    assert client.post("/_emulator/reset").status_code == 200
    assert client.get("/_emulator/faults").json()["faults"] == []
    assert client.get("/_emulator/config").json()["pending_polls"] == 2
    assert client.get(MAPPING).status_code == 200  # the token survived
    stats = client.get("/_emulator/stats").json()
    assert stats["requests"] == 1


def test_control_api_errors(client: httpx.Client) -> None:
    assert client.post("/_emulator/faults", json={"kind": "explode"}).status_code == 400
    assert client.post("/_emulator/faults", json={"spec": "503:count=x"}).status_code == 400
    assert client.patch("/_emulator/config", json={"records": 5}).status_code == 400
    assert client.patch("/_emulator/config", json={"pending_polls": -1}).status_code == 400
    assert client.delete("/_emulator/faults/999").status_code == 404
    rule_id = client.post("/_emulator/faults", json={"spec": "503"}).json()["id"]
    assert client.delete(f"/_emulator/faults/{rule_id}").status_code == 200
    assert client.get(MAPPING).status_code == 200


def test_config_faults_installed_at_start() -> None:
    config = make_config(faults=(parse_fault("504:path=servicemapping:count=1"),))
    with run_emulator(config) as emu, httpx.Client(base_url=emu.base_url) as anon:
        headers = {"Authorization": f"Bearer {get_token(anon)}"}
        assert anon.get(MAPPING, headers=headers).status_code == 504
        assert anon.get(MAPPING, headers=headers).status_code == 200
        emu.reset()  # reinstalls the configured rule with fresh counters
        assert anon.get(MAPPING, headers=headers).status_code == 504


def test_parse_fault() -> None:
    rule = parse_fault("429:every=3:retry_after=2:path=/results:method=GET")
    assert rule == FaultRule("status", status=429, every=3, retry_after=2, path="/results", method="GET")
    assert parse_fault("delay:seconds=1.5").seconds == 1.5
    for bad in ["explode", "503:count", "503:colour=red", "200", "drop:every=0"]:
        with pytest.raises(ValueError):
            parse_fault(bad)
