"""POST /api/v2/audits/query/realtime/related: every audit the action of one audit created."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest

from emulator import Emulator
from tests.emulator.emu_helpers import WHOLE_SPAN, run_query, walk_results

RELATED = "/api/v2/audits/query/realtime/related"


@pytest.fixture(scope="module")
def every_record(emulator: Emulator) -> list[dict[str, Any]]:
    """All records of the shared emulator, read through the query API (ascending)."""
    from tests.emulator.emu_helpers import get_token

    with httpx.Client(base_url=emulator.base_url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        return walk_results(client, run_query(client, {"interval": WHOLE_SPAN}), pageSize=500)


def by_action(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record in records:
        action = record["initiatingAction"].get("transactionId")
        if action is not None:
            groups[action].append(record["id"])
    return groups


def test_an_audit_with_siblings_returns_all_of_them(client: httpx.Client, every_record: list[dict[str, Any]]) -> None:
    groups = by_action(every_record)
    shared = [ids for ids in groups.values() if len(ids) > 1]
    assert shared, "the data has actions that wrote several audits"
    for ids in shared[:10]:
        for audit_id in ids:
            answer = client.post(RELATED, json={"auditId": audit_id})
            assert answer.status_code == 200, answer.text
            assert [e["id"] for e in answer.json()["entities"]] == ids  # itself included, in time order


def test_an_audit_without_an_initiating_action_stands_alone(
    client: httpx.Client, every_record: list[dict[str, Any]]
) -> None:
    alone = next(r for r in every_record if not r["initiatingAction"])
    answer = client.post(RELATED, json={"auditId": alone["id"]})
    assert answer.status_code == 200
    assert answer.json() == {"entities": [alone]}


def test_sort_and_expand(client: httpx.Client, every_record: list[dict[str, Any]]) -> None:
    ids = next(ids for ids in by_action(every_record).values() if len(ids) > 1)
    body = {"auditId": ids[0], "sort": [{"name": "Timestamp", "sortOrder": "descending"}]}
    answer = client.post(RELATED, json=body, params={"expand": "user"})
    entities = answer.json()["entities"]
    assert [e["id"] for e in entities] == ids[::-1]
    assert all("name" in e["user"] for e in entities)


def test_trustor_org(client: httpx.Client, every_record: list[dict[str, Any]]) -> None:
    org_id = client.get("/_emulator/config").json()["org_id"]
    audit_id = every_record[0]["id"]
    assert client.post(RELATED, json={"auditId": audit_id, "trustorOrgId": org_id}).status_code == 200
    other = client.post(RELATED, json={"auditId": audit_id, "trustorOrgId": "another-org"})
    assert other.status_code == 404
    assert other.json()["code"] == "not.found"
    assert "in organization another-org" in other.json()["message"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "constraint.validation"),
        ({"auditId": 7}, 400, "bad.request"),
        ({"auditId": "x", "trustorOrgId": ["x"]}, 400, "bad.request"),
        ({"auditId": "x", "sort": [{"name": "Timestamp", "sortOrder": "sideways"}]}, 400, "bad.request"),
        ({"auditId": "no-such-audit"}, 404, "not.found"),
        ([], 400, "bad.request"),
    ],
)
def test_bad_requests(client: httpx.Client, body: Any, status: int, code: str) -> None:
    answer = client.post(RELATED, json=body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_needs_a_token_and_json(anon: httpx.Client, client: httpx.Client, emulator: Emulator) -> None:
    assert httpx.post(emulator.base_url + RELATED, json={"auditId": "x"}).status_code == 401
    assert client.post(RELATED, content=b"auditId=x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert emulator.stats()["validation_errors"] == 0
