"""Token endpoint and bearer checks."""

from __future__ import annotations

import httpx

from emulator import Emulator
from tests.emulator.emu_helpers import get_token

MAPPING = "/api/v2/audits/query/servicemapping"


def test_token_flow(anon: httpx.Client, emulator: Emulator) -> None:
    response = anon.post(
        "/oauth/token",
        auth=("emulator-client", "emulator-secret"),
        data={"grant_type": "client_credentials"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    ok = anon.get(MAPPING, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert ok.status_code == 200
    assert emulator.stats()["tokens_issued"] == 1


def test_bad_credentials(anon: httpx.Client) -> None:
    for auth in [("emulator-client", "wrong"), ("someone", "emulator-secret")]:
        response = anon.post("/oauth/token", auth=auth, data={"grant_type": "client_credentials"})
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "bad.credentials"
        assert body["status"] == 401
        assert body["messageParams"] == {} and body["details"] == [] and body["errors"] == []
        assert len(body["contextId"]) == 36
    missing = anon.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert missing.status_code == 401
    assert missing.json()["code"] == "bad.credentials"


def test_wrong_grant_type(anon: httpx.Client) -> None:
    response = anon.post(
        "/oauth/token",
        auth=("emulator-client", "emulator-secret"),
        data={"grant_type": "password"},
    )
    assert response.status_code == 400


def test_bearer_required(anon: httpx.Client) -> None:
    missing = anon.get(MAPPING)
    assert missing.status_code == 401
    assert missing.json()["code"] == "authentication.required"
    unknown = anon.get(MAPPING, headers={"Authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "bad.credentials"
    basic = anon.get(MAPPING, auth=("emulator-client", "emulator-secret"))
    assert basic.status_code == 401


def test_token_stops_after_max_requests(anon: httpx.Client) -> None:
    anon.patch("/_emulator/config", json={"token_max_requests": 3}).raise_for_status()
    headers = {"Authorization": f"Bearer {get_token(anon)}"}
    statuses = [anon.get(MAPPING, headers=headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 401, 401]
    fresh = {"Authorization": f"Bearer {get_token(anon)}"}
    assert anon.get(MAPPING, headers=fresh).status_code == 200


def test_expire_tokens_and_ttl(anon: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {get_token(anon)}"}
    assert anon.post("/_emulator/tokens/expire").json()["expired"] >= 1
    response = anon.get(MAPPING, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "bad.credentials"
    # A token issued with a zero lifetime is expired at once.
    anon.patch("/_emulator/config", json={"token_ttl": 0}).raise_for_status()
    zero = {"Authorization": f"Bearer {get_token(anon)}"}
    assert anon.get(MAPPING, headers=zero).status_code == 401
