"""The query lifecycle, results paging, realtime queries, filters and errors."""

from __future__ import annotations

from typing import Any

import httpx

from emulator import Emulator
from emulator.catalogue import CATALOGUE
from tests.emulator.emu_helpers import WHOLE_SPAN, run_query, walk_results

WEEK = "2026-10-05T00:00:00.000Z/2026-10-12T00:00:00.000Z"
RECENT_WEEK = "2026-10-20T00:00:00.000Z/2026-10-27T00:00:00.000Z"  # inside the realtime window (14 days)


def test_lifecycle(client: httpx.Client) -> None:
    body = {
        "interval": WEEK,
        "serviceName": "Routing",
        "filters": [{"property": "Action", "value": "Update"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    created = client.post("/api/v2/audits/query", json=body)
    assert created.status_code == 202
    status = created.json()
    assert status["state"] == "Queued"
    assert status["interval"] == WEEK and status["serviceName"] == "Routing"
    assert status["filters"] == body["filters"] and status["sort"] == body["sort"]
    assert status["startDate"].endswith("Z")
    tx = status["id"]
    early = client.get(f"/api/v2/audits/query/{tx}/results")
    assert early.status_code == 409
    assert early.json()["code"] == "request.conflict"
    polls = [client.get(f"/api/v2/audits/query/{tx}") for _ in range(4)]
    assert [p.status_code for p in polls] == [202, 202, 200, 200]
    assert [p.json()["state"] for p in polls] == [
        "Queued",
        "Running",
        "Succeeded",
        "Succeeded",
    ]
    assert client.get(f"/api/v2/audits/query/{tx}/results").status_code == 200


def test_pending_polls_setting(client: httpx.Client) -> None:
    client.patch("/_emulator/config", json={"pending_polls": 0}).raise_for_status()
    tx = client.post("/api/v2/audits/query", json={"interval": WEEK}).json()["id"]
    first = client.get(f"/api/v2/audits/query/{tx}")
    assert first.status_code == 200 and first.json()["state"] == "Succeeded"


def test_succeed_after_seconds(client: httpx.Client) -> None:
    client.patch("/_emulator/config", json={"succeed_after_seconds": 0}).raise_for_status()
    tx = client.post("/api/v2/audits/query", json={"interval": WEEK}).json()["id"]
    assert client.get(f"/api/v2/audits/query/{tx}/results").status_code == 200
    assert client.get(f"/api/v2/audits/query/{tx}").json()["state"] == "Succeeded"


def _final_state(client: httpx.Client, body: dict[str, Any]) -> tuple[str, str]:
    tx = client.post("/api/v2/audits/query", json=body).json()["id"]
    for _ in range(10):
        response = client.get(f"/api/v2/audits/query/{tx}")
        if response.status_code == 200:
            return tx, str(response.json()["state"])
    raise AssertionError("never ended")


def test_failed_and_cancelled_queries(client: httpx.Client) -> None:
    tx, state = _final_state(client, {"interval": WEEK, "serviceName": "EmulatorFail"})
    assert state == "Failed"
    results = client.get(f"/api/v2/audits/query/{tx}/results")
    assert results.status_code == 409
    assert _final_state(client, {"interval": WEEK, "serviceName": "EmulatorCancel"})[1] == "Cancelled"
    client.patch("/_emulator/config", json={"fail_queries": True}).raise_for_status()
    assert _final_state(client, {"interval": WEEK})[1] == "Failed"


def test_unknown_transaction(client: httpx.Client) -> None:
    for path in ["/api/v2/audits/query/nope", "/api/v2/audits/query/nope/results"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not.found"


def test_bad_query_bodies(client: httpx.Client) -> None:
    url = "/api/v2/audits/query"
    headers = {"Content-Type": "application/json"}
    cases: list[tuple[bytes, str]] = [
        (b"{not json", "bad.request"),
        (b"[]", "bad.request"),
        (b"{}", "constraint.validation"),
        (b'{"interval": "yesterday"}', "invalid.date"),
        (b'{"interval": "2026-10-02T00:00:00Z/2026-10-01T00:00:00Z"}', "invalid.date"),
        (b'{"interval": "2026-10-01T00:00:00Z/nonsense"}', "invalid.date"),
        (b'{"interval": 5}', "bad.request"),
        (
            b'{"interval": "%s", "filters": [{"property": "Colour", "value": "x"}]}' % WEEK.encode(),
            "bad.request",
        ),
        (
            b'{"interval": "%s", "filters": [{"property": "UserId"}]}' % WEEK.encode(),
            "constraint.validation",
        ),
        (
            b'{"interval": "%s", "sort": [{"name": "Timestamp", "sortOrder": "up"}]}' % WEEK.encode(),
            "bad.request",
        ),
        (
            b'{"interval": "%s", "serviceName": "NoSuchService"}' % WEEK.encode(),
            "invalid.property",
        ),
    ]
    for payload, code in cases:
        for path in [url, url + "/realtime"]:
            response = client.post(path, content=payload, headers=headers)
            assert response.status_code == 400, (path, payload, response.text)
            assert response.json()["code"] == code, (path, payload)
            assert response.json()["status"] == 400
    wrong_type = client.post(url, content=b"interval=x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415


def test_cursor_walk_visits_every_record_once_in_order(client: httpx.Client, emulator: Emulator) -> None:
    tx = run_query(client, {"interval": WHOLE_SPAN})
    records = walk_results(client, tx, pageSize=137)
    dataset = emulator.app.dataset
    assert len(records) == dataset.count == 2000
    assert [r["id"] for r in records] == [dataset.record(i)["id"] for i in range(dataset.count)]
    dates = [r["eventDate"] for r in records]
    assert dates == sorted(dates)


def test_last_page_has_no_cursor(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": WHOLE_SPAN})
    first = client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": 500}).json()
    assert "cursor" in first and first["pageSize"] == 500 and len(first["entities"]) == 500
    cursor = first["cursor"]
    pages = [first]
    while cursor:
        page = client.get(
            f"/api/v2/audits/query/{tx}/results",
            params={"pageSize": 500, "cursor": cursor},
        ).json()
        pages.append(page)
        cursor = page.get("cursor")
    assert len(pages) == 4  # exactly 2000 records: no trailing empty page
    assert "cursor" not in pages[-1] and len(pages[-1]["entities"]) == 500
    default = client.get(f"/api/v2/audits/query/{tx}/results").json()
    assert default["pageSize"] == 25 and len(default["entities"]) == 25


def test_empty_result_has_no_cursor(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": "2025-01-01T00:00:00.000Z/2025-01-02T00:00:00.000Z"})
    page = client.get(f"/api/v2/audits/query/{tx}/results").json()
    assert page["entities"] == [] and "cursor" not in page


def test_page_size_bounds_and_bad_cursor(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": WEEK})
    for size in ["0", "501", "-3", "ten", "2.5", ""]:
        response = client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": size})
        assert response.status_code == 400, size
        assert response.json()["code"] == "invalid.query.param.value"
    for size in ["1", "500"]:
        assert client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": size}).status_code == 200
    for cursor in ["garbage", ""]:
        bad = client.get(f"/api/v2/audits/query/{tx}/results", params={"cursor": cursor})
        assert bad.status_code == 400
        assert bad.json()["code"] == "invalid.query.param.value"
    other_tx = run_query(client, {"interval": WEEK})
    cursor = client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": 1}).json()["cursor"]
    foreign = client.get(f"/api/v2/audits/query/{other_tx}/results", params={"cursor": cursor})
    assert foreign.status_code == 400
    bad_expand = client.get(f"/api/v2/audits/query/{tx}/results", params={"expand": "group"})
    assert bad_expand.status_code == 400


def test_expand_user(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": WEEK})
    plain = client.get(f"/api/v2/audits/query/{tx}/results").json()["entities"]
    expanded = client.get(f"/api/v2/audits/query/{tx}/results", params={"expand": "user"}).json()["entities"]
    assert all(set(r["user"]) == {"id", "selfUri"} for r in plain)
    assert all(r["user"]["name"] for r in expanded)
    assert [r["id"] for r in plain] == [r["id"] for r in expanded]
    realtime = client.post(
        "/api/v2/audits/query/realtime",
        params=[("expand", "user")],
        json={"interval": RECENT_WEEK},
    ).json()["entities"]
    assert realtime and all("name" in r["user"] for r in realtime)


def test_filters_service_and_sort(client: httpx.Client) -> None:
    everything = walk_results(client, run_query(client, {"interval": WHOLE_SPAN}), pageSize=500)
    sample = everything[10]
    cases: list[tuple[str, Any]] = [
        ("UserId", lambda r: r["user"]["id"]),
        ("ClientId", lambda r: r["client"]["id"]),
        ("Action", lambda r: r["action"]),
        ("EntityType", lambda r: r["entityType"]),
        ("EntityId", lambda r: r["entity"]["id"]),
        ("TrusteeOrganizationId", lambda r: r["userHomeOrgId"]),
    ]
    for prop, get in cases:
        value = get(sample)
        tx = run_query(
            client,
            {"interval": WHOLE_SPAN, "filters": [{"property": prop, "value": value}]},
        )
        got = walk_results(client, tx, pageSize=100)
        assert [r["id"] for r in got] == [r["id"] for r in everything if get(r) == value], prop
        assert got
    service = {
        "interval": WHOLE_SPAN,
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Update"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    got = walk_results(client, run_query(client, service), pageSize=7)
    expected = [r["id"] for r in everything if r["serviceName"] == "Architect" and r["action"] == "Update"]
    assert [r["id"] for r in got] == expected[::-1] and expected


def test_interval_bounds(client: httpx.Client, emulator: Emulator) -> None:
    dataset = emulator.app.dataset
    everything = walk_results(client, run_query(client, {"interval": WHOLE_SPAN}), pageSize=500)
    start, end = everything[100]["eventDate"], everything[200]["eventDate"]
    got = walk_results(client, run_query(client, {"interval": f"{start}/{end}"}), pageSize=500)
    expected = [r for r in everything if start <= r["eventDate"] < end]
    assert got == expected and got[0]["eventDate"] == start
    assert all(r["eventDate"] != end for r in got)
    assert dataset.count == len(everything)


def test_realtime_paging(client: httpx.Client) -> None:
    url = "/api/v2/audits/query/realtime"
    everything = walk_results(client, run_query(client, {"interval": RECENT_WEEK}), pageSize=500)
    first = client.post(url, json={"interval": RECENT_WEEK}).json()
    assert first["pageNumber"] == 1 and first["pageSize"] == 25
    assert first["total"] == len(everything)
    assert first["pageCount"] == -(-len(everything) // 25)
    seen: list[str] = []
    for number in range(1, first["pageCount"] + 2):
        page = client.post(url, json={"interval": RECENT_WEEK, "pageNumber": number, "pageSize": 40}).json()
        assert page["pageNumber"] == number and page["total"] == len(everything)
        seen.extend(r["id"] for r in page["entities"])
    assert seen == [r["id"] for r in everything]
    filtered = {
        "interval": RECENT_WEEK,
        "filters": [{"property": "Action", "value": "Create"}],
        "pageSize": 5,
        "pageNumber": 2,
    }
    page = client.post(url, json=filtered).json()
    creates = [r["id"] for r in everything if r["action"] == "Create"]
    assert page["total"] == len(creates) and [r["id"] for r in page["entities"]] == creates[5:10]
    bad_paging: list[dict[str, Any]] = [
        {"pageSize": 501},
        {"pageSize": 0},
        {"pageNumber": 0},
        {"pageSize": "x"},
    ]
    for bad in bad_paging:
        response = client.post(url, json={"interval": RECENT_WEEK, **bad})
        assert response.status_code == 400, bad


def test_service_mappings(client: httpx.Client) -> None:
    for path in [
        "/api/v2/audits/query/servicemapping",
        "/api/v2/audits/query/realtime/servicemapping",
    ]:
        services = client.get(path).json()["services"]
        assert {s["name"] for s in services} == set(CATALOGUE)
        routing = next(s for s in services if s["name"] == "Routing")
        queue = next(e for e in routing["entities"] if e["name"] == "Queue")
        assert "Update" in queue["actions"]
    everything = walk_results(client, run_query(client, {"interval": WHOLE_SPAN}), pageSize=500)
    for record in everything:
        assert record["action"] in CATALOGUE[record["serviceName"]][record["entityType"]]


def test_unknown_path_and_method(client: httpx.Client) -> None:
    assert client.get("/api/v2/nothing").status_code == 404
    response = client.delete("/api/v2/audits/query/servicemapping")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
