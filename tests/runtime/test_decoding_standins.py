"""The stand-ins (runtime/core/_standins.py): once the lenient path has decoded a body with fields, enum
values or nulls the spec does not list, bodies like it are decoded by msgspec into stand-in Structs and
made into the same models, every unknown field and value kept; whatever the stand-ins were not taught
still goes down the lenient path, with the same result or the same DecodingError."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from genesys_cloud_audit import DecodingError
from genesys_cloud_audit._core import _decoding, _standins
from genesys_cloud_audit._core._decoding import decode_json
from genesys_cloud_audit.models import AuditQueryExecutionResultsResponse, ErrorBody
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.data import AuditDataset
from tests.generated.test_models import FULL_RECORD

PAGE = AuditQueryExecutionResultsResponse
FIRST, LAST = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)


@contextmanager
def fresh() -> Iterator[dict[Any, Any]]:
    """Nothing learned yet, and whatever is learned here forgotten after."""
    saved = _decoding._stand_ins
    _decoding._stand_ins = {}
    try:
        yield _decoding._stand_ins
    finally:
        _decoding._stand_ins = saved


class Lenient:
    """PAGE.from_dict, counting its calls (a call: the body went down the lenient path)."""

    def __init__(self, model: Any = PAGE) -> None:
        self.model = model
        self.calls = 0

    def __call__(self, data: Any) -> Any:
        self.calls += 1
        return self.model.from_dict(data)


def never(data: Any) -> Any:
    raise AssertionError("the lenient path was taken")


def text_of(body: Any) -> bytes:
    return json.dumps(body).encode()


def page_of(*records: Any, **fields: Any) -> dict[str, Any]:
    return {"id": "t-1", "pageSize": 500, **fields, "entities": list(records)}


def assert_same(ours: Any, lenient: Any) -> None:
    """Equal models, equal dicts, and each object's unknown fields in the same order."""
    assert ours == lenient
    assert ours.to_dict() == lenient.to_dict()
    assert json.dumps(ours.to_dict()) == json.dumps(lenient.to_dict())
    for mine, theirs in zip(ours.entities, lenient.entities, strict=True):
        assert mine.additional_keys == theirs.additional_keys
        assert type(mine.level) is type(theirs.level) and type(mine.status) is type(theirs.status)
        if mine.level:
            assert mine.level.is_known == theirs.level.is_known and mine.level is theirs.level


CHANGES = [
    {"brandNewField": {"x": [1, 2]}, "another": None, "third": 3.5},
    {"level": "PARTNER", "status": "PARTIAL"},
    {"application": None, "remoteIp": None, "user": None},
    {"user": {"id": "u", "extra": True}, "entity": {"id": "e", "version": 7}},
    {"context": {"a": "b", "gone": None}},
    {"message": {"messageParams": {"k": "v", "n": None}, "severity": "low"}},
    {"propertyChanges": [{"property": "p", "oldValues": [], "newValues": ["1"], "kind": "scalar"}]},
    {"entityChanges": [{"entityId": "x", "entityType": "User", "oldValues": [], "newValues": ["x"], "role": "a"}]},
    {"initiatingAction": {"transactionId": "t", "actionContext": "Import", "source": {"deep": [{"x": None}]}}},
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: ",".join(change))
def test_what_the_lenient_path_taught_is_decoded_by_the_stand_ins(change: dict[str, Any]) -> None:
    record = {**copy.deepcopy(FULL_RECORD), **change}
    text = text_of(page_of(record, FULL_RECORD, record, cursor="c"))
    lenient = PAGE.from_dict(json.loads(text))
    with fresh() as learned:
        first = decode_json(text, PAGE.from_dict, PAGE)
        again = decode_json(text, never, PAGE)  # the fast path, or the stand-ins taught by the first
        fits = _decoding._decoder(PAGE) is not None and PAGE not in learned  # a map's nulls: the hook drops them
        assert fits or learned[PAGE].decode is not None
    assert fits == ("context" in change)
    assert_same(first, lenient)
    assert_same(again, lenient)


def test_the_stand_ins_keep_unknown_fields_in_the_order_the_records_have_them() -> None:
    records = [{**FULL_RECORD, "zeta": 1, "alpha": 2, "mid": {"k": [None]}} for _ in range(3)]
    records.append({**FULL_RECORD, "alpha": 5})
    text = text_of(page_of(*records))
    with fresh():
        decode_json(text, PAGE.from_dict, PAGE)
        page = decode_json(text, never, PAGE)
    assert [record.additional_keys for record in page.entities] == [["zeta", "alpha", "mid"]] * 3 + [["alpha"]]
    assert page.entities[0]["mid"] == {"k": [None]}


def test_a_record_with_its_unknown_fields_in_another_order_keeps_them_all() -> None:
    """The one difference the stand-ins make: an object whose unknown fields come in another order than
    the body that taught them keeps them in the order that body had (equal dicts, another order)."""
    taught = text_of(page_of({**FULL_RECORD, "a": 1, "b": 2}))
    swapped = text_of(page_of({**FULL_RECORD, "b": 2, "a": 1}))
    with fresh():
        decode_json(taught, PAGE.from_dict, PAGE)
        page = decode_json(swapped, never, PAGE)
    lenient = PAGE.from_dict(json.loads(swapped))
    assert page == lenient and page.to_dict() == lenient.to_dict()
    assert page.entities[0].additional_keys == ["a", "b"] and lenient.entities[0].additional_keys == ["b", "a"]


def test_what_the_stand_ins_were_not_taught_goes_down_the_lenient_path_and_teaches_them() -> None:
    first = text_of(page_of({**FULL_RECORD, "tier": "gold"}))
    second = text_of(page_of({**FULL_RECORD, "tier": "gold", "region": "eu"}, {**FULL_RECORD, "level": "PARTNER"}))
    with fresh():
        lenient = Lenient()
        decode_json(first, lenient, PAGE)
        decode_json(first, lenient, PAGE)
        assert lenient.calls == 1
        page = decode_json(second, lenient, PAGE)
        assert lenient.calls == 2
        again = decode_json(second, never, PAGE)
        older = decode_json(first, never, PAGE)
    assert_same(page, PAGE.from_dict(json.loads(second)))
    assert_same(again, page)
    assert_same(older, PAGE.from_dict(json.loads(first)))


@pytest.mark.parametrize(
    ("record", "model", "field", "path"),
    [
        ({"tier": "gold", "id": 5}, "AuditLogMessage", "id", "entities.id"),
        ({"tier": "gold", "level": 3}, "AuditLogMessage", "level", "entities.level"),
        ({"tier": "gold", "user": {"extra": 1, "name": False}}, "DomainEntityRef", "name", "entities.user.name"),
        (
            {"tier": "gold", "context": {"divisionId": 42}},
            "AuditLogMessageContext",
            "divisionId",
            "entities.context.divisionId",
        ),
        ({"tier": "gold", "eventDate": "yesterday"}, "AuditLogMessage", "eventDate", "entities.eventDate"),
    ],
)
def test_a_wrong_value_after_learning_is_the_lenient_paths_decoding_error(
    record: dict[str, Any], model: str, field: str, path: str
) -> None:
    teach = text_of(page_of({**FULL_RECORD, "tier": "gold", "user": {"id": "u", "extra": 1}, "level": "PARTNER"}))
    with fresh():
        decode_json(teach, PAGE.from_dict, PAGE)
        with pytest.raises(DecodingError) as caught:
            decode_json(text_of(page_of({**FULL_RECORD, **record})), PAGE.from_dict, PAGE)
    assert (caught.value.model, caught.value.field, caught.value.path) == (model, field, path)


def test_a_required_field_sent_as_null_is_still_an_error() -> None:
    teach = text_of({"message": "m", "code": "c", "status": 400, "extra": 1})
    with fresh():
        decode_json(teach, ErrorBody.from_dict, ErrorBody)
        assert decode_json(teach, never, ErrorBody)["extra"] == 1
        body = text_of({"message": "m", "code": "c", "status": 400, "extra": 1, "limit": {"key": None}})
        lenient = ErrorBody.from_dict(json.loads(body))
        assert decode_json(body, ErrorBody.from_dict, ErrorBody) == lenient


def test_fitting_bodies_take_the_fast_path_again_after_a_probe() -> None:
    odd = text_of(page_of({**FULL_RECORD, "tier": "gold"}))
    fitting = text_of(page_of(FULL_RECORD, cursor="c"))
    with fresh() as learned:
        decode_json(odd, PAGE.from_dict, PAGE)
        state = learned[PAGE]
        assert state.first
        fast = PAGE.from_dict(json.loads(fitting))
        for _ in range(_decoding._StandIns.PROBE_EVERY + 1):
            assert decode_json(fitting, never, PAGE) == fast
        assert not state.first
        decode_json(odd, never, PAGE)
        assert state.first


def test_more_unknown_fields_in_one_place_than_records_have_stop_the_learning() -> None:
    """A map spelled as a model (keys that differ from record to record): the lenient path keeps it."""
    with fresh() as learned:
        for page in range(3):
            records = [{**FULL_RECORD, f"key-{page}-{n}": n} for n in range(_standins.MAX_UNKNOWN_FIELDS // 2 + 1)]
            text = text_of(page_of(*records))
            assert decode_json(text, PAGE.from_dict, PAGE) == PAGE.from_dict(json.loads(text))
        assert not learned[PAGE].learning
        lenient = Lenient()
        decode_json(text, lenient, PAGE)
        assert lenient.calls == 1


def test_bodies_the_stand_ins_cannot_teach_stop_the_learning_after_a_few() -> None:
    with fresh() as learned:
        for _ in range(3):
            text = text_of(page_of({**FULL_RECORD, "eventDate": "2026-11-01"}))  # a date msgspec refuses
            decode_json(text, PAGE.from_dict, PAGE)
        assert not learned[PAGE].learning and learned[PAGE].decode is None


def test_the_emulators_records_with_unlisted_fields_decode_as_the_lenient_path_decodes_them() -> None:
    dataset = AuditDataset(seed=5, count=400, start=FIRST, end=LAST, shape="extra-fields")
    pages = [text_of(page_of(*dataset.records(range(start, start + 100)))) for start in range(0, 400, 100)]
    with fresh():
        lenient = Lenient()
        decoded = [decode_json(text, lenient, PAGE) for text in pages]
        assert lenient.calls <= 2
        again = [decode_json(text, never, PAGE) for text in pages]
    for ours, text in zip(decoded + again, pages + pages, strict=True):
        assert_same(ours, PAGE.from_dict(json.loads(text)))


# -- random records ----------------------------------------------------------------------------------

DATASET = AuditDataset(seed=11, count=500, start=FIRST, end=LAST)
KNOWN = sorted(FULL_RECORD)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
# Mostly names no model has; a few that one model has and another does not ("id" in a message, "name"
# in a record), and a few that overwrite a known field with a value of any type.
keys = st.sampled_from(["tier", "region", "brandNew", "x-y", "ünï", "", "id", "name", "selfUri", "property"]) | (
    st.text(min_size=1, max_size=4).filter(lambda key: key not in KNOWN)
)
enum_values = st.sampled_from(["USER", "SYSTEM", "SUCCESS", "PARTNER", "PARTIAL", "", "user"]) | st.text(max_size=4)
changes = st.one_of(
    st.tuples(st.just("field"), st.integers(0, 40), keys, json_values),
    st.tuples(st.just("enum"), st.sampled_from(["level", "status"]), enum_values),
    st.tuples(st.just("null"), st.sampled_from([key for key in KNOWN if key != "eventDate"])),
)


def models_in(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON objects of a record that are models (not maps): where unknown fields may go."""
    found = [record]
    found += [
        record[key]
        for key in ("user", "client", "entity", "message", "initiatingAction")
        if isinstance(record.get(key), dict)
    ]
    for key in ("propertyChanges", "entityChanges"):
        found += [item for item in record.get(key) or [] if isinstance(item, dict)]
    return found


def changed(index: int, edits: list[tuple[Any, ...]]) -> dict[str, Any]:
    record = copy.deepcopy(DATASET.record(index, expand_user=index % 2 == 0) if index >= 0 else FULL_RECORD)
    for edit in edits:
        if edit[0] == "field":
            where = models_in(record)
            where[edit[1] % len(where)][edit[2]] = edit[3]
        elif edit[0] == "enum":
            record[edit[1]] = edit[2]
        else:
            record[edit[1]] = None
    return record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-1, 499), st.lists(changes, max_size=4)), min_size=1, max_size=5))
def test_random_records_decode_as_the_lenient_path_decodes_them(records: list[tuple[int, list[Any]]]) -> None:
    """Whatever a record holds beyond the spec, the stand-ins taught by it give what from_dict gives (or
    refuse it, and the lenient path raises the same error); bodies that fit still decode as before."""
    text = text_of(page_of(*(changed(index, edits) for index, edits in records), cursor="c"))
    plain = text_of(page_of(*(changed(index, []) for index, _ in records)))
    try:
        lenient = PAGE.from_dict(json.loads(text))
    except DecodingError as error:
        with fresh():
            for _ in range(2):
                with pytest.raises(DecodingError) as caught:
                    decode_json(text, PAGE.from_dict, PAGE)
                assert (caught.value.model, caught.value.field, caught.value.path) == (
                    error.model,
                    error.field,
                    error.path,
                )
        return
    with fresh():
        first = decode_json(text, PAGE.from_dict, PAGE)
        second = Lenient()
        again = decode_json(text, second, PAGE)
        fitting = decode_json(plain, PAGE.from_dict, PAGE)
    sent = json.loads(text)["entities"]
    unnameable = any(
        not _standins._NAMEABLE.match(key) for record in sent for model in models_in(record) for key in model
    )
    assert second.calls == (1 if unnameable else 0)  # the stand-ins, unless a field msgspec cannot name
    for ours in (first, again):
        assert ours == lenient
        assert ours.to_dict() == lenient.to_dict()
        for mine, theirs in zip(ours.entities, lenient.entities, strict=True):
            assert sorted(mine.additional_keys) == sorted(theirs.additional_keys)
            assert mine.level is theirs.level and mine.status is theirs.status
    assert fitting == PAGE.from_dict(json.loads(plain))
