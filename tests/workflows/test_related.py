"""related_audits / related_audits_async (workflows/_related.py) against the emulator: the records one
action created, sorted and expanded as asked, arguments checked before any request."""

from __future__ import annotations

import asyncio
import inspect

import genesys_cloud_audit
import pytest
from genesys_cloud_audit import Client, ConfigurationError, NotFoundError, related_audits, related_audits_async

from emulator import Emulator
from tests.workflows.conftest import RECORDS


def a_shared_action(emu: Emulator) -> list[int]:
    """The record indexes of an action that wrote several records."""
    return next(group for index in range(RECORDS) if len(group := emu.app.dataset.related(index)) > 1)


def ids_of(emu: Emulator, indexes: list[int]) -> list[str]:
    return [str(emu.app.dataset.record(index)["id"]) for index in indexes]


def test_related_audits_returns_every_record_of_the_action(emu: Emulator, client: Client) -> None:
    group = a_shared_action(emu)
    for index in group:
        audit_id = ids_of(emu, [index])[0]
        records = related_audits(client, audit_id)
        assert [record.id for record in records] == ids_of(emu, group)
    related_calls = {route: counts for route, counts in emu.stats()["by_route"].items() if "related" in route}
    assert [sum(counts.values()) for counts in related_calls.values()] == [len(group)]  # one request each
    assert related_audits(client, audit_id, sort="descending")[0].id == ids_of(emu, group)[-1]


def test_expand_user_and_the_body_sent(emu: Emulator, client: Client) -> None:
    audit_id = ids_of(emu, a_shared_action(emu))[0]
    plain = related_audits(client, audit_id)
    expanded = related_audits(client, audit_id, expand_user=True)
    assert [r.id for r in plain] == [r.id for r in expanded]
    assert all(r.to_dict()["user"].get("name") for r in expanded)
    assert not any(r.to_dict()["user"].get("name") for r in plain)


def test_the_async_form_answers_the_same(emu: Emulator, client: Client) -> None:
    audit_id = ids_of(emu, a_shared_action(emu))[1]

    async def fetch() -> list[str]:
        try:
            return [str(record.id) for record in await related_audits_async(client, audit_id, sort="ascending")]
        finally:
            await client.aclose()

    assert asyncio.run(fetch()) == [str(r.id) for r in related_audits(client, audit_id)]


def test_an_unknown_audit_id_is_not_found(emu: Emulator, client: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        related_audits(client, "no-such-audit")
    assert caught.value.status == 404 and "no-such-audit" in str(caught.value)
    trustor = ids_of(emu, [0])[0]
    with pytest.raises(NotFoundError):
        related_audits(client, trustor, trustor_org_id="another-organization")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"audit_id": ""}, "audit_id must be a non-empty string"),
        ({"audit_id": " id"}, "without surrounding spaces"),
        ({"audit_id": 5}, "audit_id must be"),
        ({"audit_id": "id", "trustor_org_id": ""}, "trustor_org_id must be"),
        ({"audit_id": "id", "sort": "sideways"}, "sort must be"),
        ({"audit_id": "id", "expand_user": "yes"}, "expand_user must be True or False"),
        ({"audit_id": "id", "request_options": {"timeout": 1}}, "request_options must be a RequestOptions"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    emu: Emulator, client: Client, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        related_audits(client, **arguments)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=message):
        related_audits_async(client, **arguments)  # type: ignore[arg-type]
    assert emu.stats()["requests"] == 0


def test_both_forms_are_exported_with_their_own_signature() -> None:
    assert {"related_audits", "related_audits_async"} <= set(genesys_cloud_audit.__all__)
    for helper in (related_audits, related_audits_async):
        parameters = inspect.signature(helper).parameters
        assert list(parameters) == ["client", "audit_id", "trustor_org_id", "sort", "expand_user", "request_options"]
        assert "trustor_org_id" in (helper.__doc__ or "")
