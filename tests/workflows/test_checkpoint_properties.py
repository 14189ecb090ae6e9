"""Property: a checkpoint changed in any single field or character is refused (CheckpointError, before a
request), or resumes to exactly the records an uninterrupted export hands out after it.

The checkpoints are real: taken from exports against the emulator stopped in the middle of a page (a
one-query export) and in the middle of a sub-query (a split export, whose later parts are not started).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from genesys_cloud_audit import CheckpointError, Client, export_audits, query_audits, resume_audits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import Emulator
from tests.workflows.conftest import FAST, SPAN, expected_ids

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
STOP_AT = 250  # records handed out before the checkpoint is taken: 2 pages of 100, and half of the third


def one_query(client: Client) -> str:
    export = query_audits(client, interval=SPAN, page_size=100, wait_policy=FAST)
    for _ in range(STOP_AT):
        next(export)
    return export.checkpoint().to_json()


def split(client: Client) -> str:
    export = export_audits(
        client, interval=SPAN, span=timedelta(days=3), concurrency=2, page_size=100, wait_policy=FAST
    )
    with export:
        for _ in range(STOP_AT):
            next(export)
        return export.checkpoint().to_json()


@pytest.fixture(params=[one_query, split], ids=["one-query", "split"])
def saved(request: pytest.FixtureRequest, emu: Emulator, client: Client) -> Iterator[str]:
    text: str = request.param(client)
    data = json.loads(text)
    assert data["version"] == 4 and any(part["skip"] for part in data["parts"])  # mid-page
    yield text


def resumed_or_refused(client: Client, text: str, expected: list[str]) -> str:
    """'refused' or 'exact'; anything else fails the property."""
    try:
        export = resume_audits(client, text, page_size=100, wait_policy=FAST)
    except CheckpointError as error:
        assert "\n" not in str(error) and str(error).startswith("checkpoint: ")
        return "refused"
    assert [str(record.id) for record in export] == expected
    return "exact"


def test_the_checkpoints_taken_resume_exactly(emu: Emulator, client: Client, saved: str) -> None:
    assert resumed_or_refused(client, saved, expected_ids(emu)[STOP_AT:]) == "exact"


@PROPERTY
@given(data=st.data())
def test_any_single_character_changed_is_refused_or_resumes_exactly(
    emu: Emulator, client: Client, saved: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(saved) - 1), label="at")
    new = data.draw(st.characters(codec="utf-8").filter(lambda c: c != saved[at]), label="new")
    changed = saved[:at] + new + saved[at + 1 :]
    resumed_or_refused(client, changed, expected_ids(emu)[STOP_AT:])


def leaves(value: Any, pointer: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The JSON pointer of every member and item, containers included."""
    if pointer:
        yield pointer
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from leaves(child, (*pointer, key))


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**6),
    st.text(max_size=30),
    st.floats(allow_nan=False),
    st.just([]),
    st.just({}),
    st.sampled_from(["query", "realtime", "auto", "tx", "sha256:" + "0" * 64]),
)


@PROPERTY
@given(data=st.data())
def test_any_single_field_changed_or_removed_is_refused_or_resumes_exactly(
    emu: Emulator, client: Client, saved: str, data: st.DataObject
) -> None:
    document = json.loads(saved)
    pointer = data.draw(st.sampled_from(list(leaves(document))), label="pointer")
    changed = copy.deepcopy(document)
    *parents, last = pointer
    target = changed
    for key in parents:
        target = target[key]
    if data.draw(st.booleans(), label="remove"):
        del target[last]
    else:
        target[last] = data.draw(JSON_VALUES.filter(lambda value: value != target[last]), label="value")
    resumed_or_refused(client, json.dumps(changed), expected_ids(emu)[STOP_AT:])
