"""Every exchange is checked against spec/audit-api.yaml."""

from __future__ import annotations

import httpx
import pytest

from emulator import Emulator, run_emulator
from emulator import app as app_module
from emulator.messages import Request, Response
from emulator.validation import SpecValidator
from tests.emulator.emu_helpers import WHOLE_SPAN, get_token, make_config, run_query, walk_results


def test_a_mixed_workload_has_no_spec_violations(client: httpx.Client, emulator: Emulator) -> None:
    tx = run_query(
        client,
        {
            "interval": WHOLE_SPAN,
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
        },
    )
    walk_results(client, tx, pageSize=500, expand="user")
    client.post(
        "/api/v2/audits/query/realtime",
        params={"expand": "user"},
        json={"interval": WHOLE_SPAN},
    )
    client.get("/api/v2/audits/query/servicemapping")
    client.get("/api/v2/audits/query/realtime/servicemapping")
    client.get("/api/v2/audits/query/missing")
    client.post("/api/v2/audits/query", json={})
    client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": 0})
    client.post("/_emulator/faults", json={"spec": "429:count=1"})
    client.get("/api/v2/audits/query/servicemapping")
    stats = client.get("/_emulator/stats").json()
    assert stats["validation_errors"] == 0, stats["recent_validation_errors"]
    assert stats["requests"] >= 10


def test_validator_flags_bad_exchanges() -> None:
    validator = SpecValidator()
    path = "/api/v2/audits/query/abc/results"
    headers = {"Content-Type": "application/json"}
    bad_level = b'{"entities": [{"level": "PARTNER"}]}'
    get = Request("GET", path, [], {}, b"")
    assert validator.response_errors(get, Response(200, bad_level, headers))
    assert not validator.response_errors(get, Response(200, b'{"entities": []}', headers))
    assert validator.request_errors(Request("GET", path, [("pageSize", "0")], {}, b""))
    body = b'{"interval": 3}'
    assert validator.request_errors(
        Request("POST", "/api/v2/audits/query", [], {"content-type": "application/json"}, body)
    )


def test_strict_mode_turns_drift_into_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler whose answer breaks the spec makes a 500 in strict mode."""

    def broken(app: object, request: object) -> Response:
        return Response.json(200, {"services": "not a list"})

    with (
        run_emulator(make_config()) as emu,
        httpx.Client(base_url=emu.base_url) as client,
    ):
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        route = next(r for r in app_module._ROUTES if r.template.endswith("/query/servicemapping"))
        monkeypatch.setattr(route, "handler", broken)
        response = client.get("/api/v2/audits/query/servicemapping")
        assert response.status_code == 500
        assert response.json()["code"] == "internal.server.error"
        assert emu.stats()["validation_errors"] == 1
        client.patch("/_emulator/config", json={"strict": False}).raise_for_status()
        assert client.get("/api/v2/audits/query/servicemapping").status_code == 200
        client.patch("/_emulator/config", json={"validate": False}).raise_for_status()
        assert client.get("/api/v2/audits/query/servicemapping").status_code == 200
        assert emu.stats()["validation_errors"] == 2
