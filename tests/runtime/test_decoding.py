"""Response decoding (runtime/core/_decoding.py): the fast msgspec path and the lenient from_dict path
give the same models, every value is type-checked against the spec, and whatever does not fit is a
DecodingError naming the model, the field and the JSON path."""

from __future__ import annotations

import copy
import inspect
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from genesys_cloud_audit import Client, DecodingError, NotFoundError
from genesys_cloud_audit._core._decoding import _decoder, decode_data, decode_json, json_items, parse_json
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results
from genesys_cloud_audit.api.audit import post_audits_query_realtime as realtime
from genesys_cloud_audit.models import (
    AuditLogMessage,
    AuditQueryExecutionResultsResponse,
    AuditRealtimeQueryRequest,
    AuditRealtimeQueryResultsResponse,
    ErrorBody,
)
from genesys_cloud_audit.types import UNSET, Unset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.generated.test_models import FULL_RECORD
from tests.support.clients import make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response

PAGE = AuditQueryExecutionResultsResponse
RESULTS_PATH = "/api/v2/audits/query/t-1/results"


def page_of(*records: Any, **fields: Any) -> dict[str, Any]:
    return {"id": "t-1", "pageSize": 500, **fields, "entities": list(records)}


def both_paths(body: dict[str, Any], model: type[Any] = PAGE) -> tuple[Any, Any]:
    """(what decode_json answers, what from_dict answers) for the JSON text of `body`."""
    text = json.dumps(body).encode()
    return decode_json(text, model.from_dict, model), model.from_dict(json.loads(text))


def fits_exactly(body: dict[str, Any], model: type[Any] = PAGE) -> bool:
    decoder = _decoder(model)
    assert decoder is not None
    try:
        decoder.decode(json.dumps(body).encode())
    except Exception:
        return False
    return True


def test_a_body_that_fits_the_spec_takes_the_fast_path_and_equals_the_lenient_result() -> None:
    body = page_of(FULL_RECORD, FULL_RECORD, cursor="c-2")
    assert fits_exactly(body)
    fast, lenient = both_paths(body)
    assert fast == lenient
    assert fast.to_dict() == body
    assert isinstance(fast.entities[0].event_date.tzinfo, type(lenient.entities[0].event_date.tzinfo))


@pytest.mark.parametrize(
    "change",
    [
        {"brandNewField": {"x": [1, 2]}},
        {"level": "PARTNER"},
        {"application": None},
        {"user": {"id": "u", "extra": True}},
        {"context": {"a": "b", "gone": None}},
        {"message": {"messageParams": {"k": "v", "n": None}}},
    ],
    ids=["unknown field", "unknown enum value", "null field", "nested unknown field", "null map value", "null param"],
)
def test_what_the_spec_does_not_list_is_kept_by_the_lenient_path(change: dict[str, Any]) -> None:
    record = {**copy.deepcopy(FULL_RECORD), **change}
    body = page_of(record)
    if "context" not in change and "message" not in change:  # a map's nulls are dropped on both paths
        assert not fits_exactly(body)
    fast, lenient = both_paths(body)
    assert fast == lenient
    decoded = fast.entities[0]
    if "brandNewField" in change:
        assert decoded["brandNewField"] == {"x": [1, 2]}
    if "level" in change:
        assert decoded.level == "PARTNER" and not decoded.level.is_known
    if "application" in change:
        assert decoded.application is UNSET
    if "user" in change:
        assert decoded.user["extra"] is True
    if "context" in change:
        assert decoded.context.additional_properties == {"a": "b"}
    if "message" in change:
        assert decoded.message.message_params.additional_properties == {"k": "v"}


@pytest.mark.parametrize(
    ("body", "model", "field", "path"),
    [
        (page_of(cursor=7), "AuditQueryExecutionResultsResponse", "cursor", "cursor"),
        (page_of(cursor=["p2"]), "AuditQueryExecutionResultsResponse", "cursor", "cursor"),
        (page_of(pageSize=True), "AuditQueryExecutionResultsResponse", "pageSize", "pageSize"),
        (page_of(pageSize="500"), "AuditQueryExecutionResultsResponse", "pageSize", "pageSize"),
        (page_of(id=12), "AuditQueryExecutionResultsResponse", "id", "id"),
        ({"entities": {"0": FULL_RECORD}}, "AuditQueryExecutionResultsResponse", "entities", "entities"),
        (page_of(["not", "a", "record"]), "AuditQueryExecutionResultsResponse", "entities", "entities"),
        (page_of({"id": 5}), "AuditLogMessage", "id", "entities.id"),
        (page_of({"remoteIp": ["10.0.0.1", 7]}), "AuditLogMessage", "remoteIp", "entities.remoteIp"),
        (page_of({"remoteIp": "10.0.0.1"}), "AuditLogMessage", "remoteIp", "entities.remoteIp"),
        (
            page_of({"transactionInitiator": "true"}),
            "AuditLogMessage",
            "transactionInitiator",
            "entities.transactionInitiator",
        ),
        (
            page_of({"transactionInitiator": 1}),
            "AuditLogMessage",
            "transactionInitiator",
            "entities.transactionInitiator",
        ),
        (page_of({"eventDate": 1767225600}), "AuditLogMessage", "eventDate", "entities.eventDate"),
        (page_of({"level": 3}), "AuditLogMessage", "level", "entities.level"),
        (page_of({"user": {"name": False}}), "DomainEntityRef", "name", "entities.user.name"),
        (
            page_of({"context": {"divisionId": 42}}),
            "AuditLogMessageContext",
            "divisionId",
            "entities.context.divisionId",
        ),
        (page_of({"context": ["divisionId"]}), "AuditLogMessage", "context", "entities.context"),
        (
            page_of({"propertyChanges": [{"oldValues": [None]}]}),
            "PropertyChange",
            "oldValues",
            "entities.propertyChanges.oldValues",
        ),
        (
            page_of({"message": {"messageParams": {"n": 1.5}}}),
            "MessageInfoMessageParams",
            "n",
            "entities.message.messageParams.n",
        ),
    ],
)
def test_a_value_of_the_wrong_json_type_is_a_decoding_error_naming_model_field_and_path(
    body: dict[str, Any], model: str, field: str, path: str
) -> None:
    with pytest.raises(DecodingError) as caught:
        decode_json(json.dumps(body).encode(), PAGE.from_dict, PAGE)
    assert (caught.value.model, caught.value.field, caught.value.path) == (model, field, path)
    assert str(caught.value).count("\n") == 0


def test_the_realtime_page_count_must_be_an_integer() -> None:
    body = {"entities": [], "pageNumber": 1, "pageCount": "3"}
    with pytest.raises(DecodingError) as caught:
        decode_json(
            json.dumps(body).encode(), AuditRealtimeQueryResultsResponse.from_dict, AuditRealtimeQueryResultsResponse
        )
    assert (caught.value.model, caught.value.field) == ("AuditRealtimeQueryResultsResponse", "pageCount")


def test_numbers_keep_their_python_types_on_both_paths() -> None:
    body = {"message": "m", "code": "c", "status": 429, "limit": {"key": "k", "value": 2**63}}
    fast, lenient = both_paths(body, ErrorBody)
    assert fast == lenient and type(fast.status) is int and fast.limit.value == 2**63


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_json_nested_too_deeply_is_a_decoding_error(depth: int) -> None:
    body = b'{"entities":[{"brandNewField":' + b"[" * depth + b"]" * depth + b"}]}"
    with pytest.raises(DecodingError, match="nested too deeply"):
        decode_json(body, PAGE.from_dict, PAGE)


def nested_errors(depth: int) -> bytes:
    """An error body whose `errors` nest `depth` deep, with an unknown field (so from_dict decodes it)."""
    return b'{"code":"outer","brandNew":1,"errors":[' * depth + b'{"code":"leaf"}' + b"]}" * depth


@contextmanager
def shallow_stack(frames: int) -> Iterator[None]:
    """Lowers the recursion limit to `frames` above the current depth, as a deeper caller would see it."""
    depth = len(inspect.stack(0))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def test_a_body_nested_deeper_than_from_dict_can_follow_is_a_decoding_error() -> None:
    data = parse_json(nested_errors(450))
    with shallow_stack(400), pytest.raises(DecodingError, match="nested too deeply"):
        decode_data(data, ErrorBody.from_dict)


def test_an_error_body_nested_too_deeply_for_its_model_is_a_decoding_error() -> None:
    data = parse_json(nested_errors(450))
    client = Client(access_token="t")
    with shallow_stack(400), pytest.raises(DecodingError, match="error body is JSON nested too deeply"):
        client.decode_error_body(data)


@pytest.mark.parametrize("text", [b"", b"{", b"nope", b'{"id": NaN}', b"\xff\xfe"])
def test_a_body_that_is_not_json_is_a_decoding_error(text: bytes) -> None:
    with pytest.raises(DecodingError, match="not valid JSON"):
        decode_json(text, PAGE.from_dict, PAGE)


def test_unset_is_msgspecs_sentinel_and_reads_as_false() -> None:
    record = AuditLogMessage.from_dict({"id": "x"})
    assert isinstance(record.user, Unset) and not record.user and record.user is UNSET


def test_an_integer_cursor_stops_paging_with_a_decoding_error(scripted_server: ScriptedServer) -> None:
    scripted_server.enqueue("GET", RESULTS_PATH, json_response(200, page_of(FULL_RECORD, cursor="p2")))
    scripted_server.enqueue("GET", RESULTS_PATH, json_response(200, page_of(FULL_RECORD, cursor=3)))
    with make_client(scripted_server) as client:
        pages = results.paginate("t-1", client=client, page_size=500)
        assert next(pages).id == FULL_RECORD["id"]
        with pytest.raises(DecodingError) as caught:
            list(pages)
    assert (caught.value.model, caught.value.field) == ("AuditQueryExecutionResultsResponse", "cursor")
    assert pages.checkpoint().cursor == "p2" and not pages.done


def test_a_string_page_count_stops_realtime_paging_with_a_decoding_error(scripted_server: ScriptedServer) -> None:
    path = "/api/v2/audits/query/realtime"
    scripted_server.enqueue(
        "POST", path, json_response(200, {"entities": [FULL_RECORD], "pageNumber": 1, "pageCount": "2"})
    )
    with make_client(scripted_server) as client:
        body = AuditRealtimeQueryRequest(interval="2026-11-01T00:00:00Z/2026-11-02T00:00:00Z")
        with pytest.raises(DecodingError) as caught:
            list(realtime.paginate(client=client, body=body))
    assert caught.value.field == "pageCount"


def test_a_deeply_nested_response_body_is_a_decoding_error_over_http(scripted_server: ScriptedServer) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    scripted_server.enqueue(
        "GET", RESULTS_PATH, Canned(200, b'{"entities":' + deep + b"}", {"Content-Type": "application/json"})
    )
    with make_client(scripted_server) as client, pytest.raises(DecodingError, match="nested too deeply") as caught:
        results.sync("t-1", client=client)
    assert caught.value.path == RESULTS_PATH


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
record_fields = sorted({*FULL_RECORD, "brandNew"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(record_fields), json_values, max_size=4), st.sampled_from(["c", 5, None]))
def test_both_paths_agree_on_any_json(changes: dict[str, Any], cursor: Any) -> None:
    """Whatever a server sends, the fast path never accepts what the lenient one refuses, and never
    decodes it differently."""
    body = {"id": "t", "cursor": cursor, "entities": [{**FULL_RECORD, **changes}]}
    text = json.dumps(body).encode()
    try:
        lenient = PAGE.from_dict(json.loads(text))
    except DecodingError as error:
        with pytest.raises(DecodingError) as caught:
            decode_json(text, PAGE.from_dict, PAGE)
        assert (caught.value.model, caught.value.field, caught.value.path) == (error.model, error.field, error.path)
        return
    fast = decode_json(text, PAGE.from_dict, PAGE)
    assert fast == lenient
    assert fast.to_dict() == lenient.to_dict()


def test_an_error_response_nested_too_deeply_still_raises_its_typed_error(scripted_server: ScriptedServer) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    scripted_server.enqueue(
        "GET", RESULTS_PATH, Canned(404, b'{"errors":' + deep + b"}", {"Content-Type": "application/json"})
    )
    with make_client(scripted_server) as client, pytest.raises(NotFoundError) as caught:
        results.sync("t-1", client=client)
    assert caught.value.status == 404 and caught.value.body == {} and caught.value.error_body is None


def test_a_token_response_nested_too_deeply_is_a_decoding_error(scripted_server: ScriptedServer) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    scripted_server.set_default("POST", "/oauth/token", Canned(200, deep, {"Content-Type": "application/json"}))
    with make_client(scripted_server, issue_tokens=False) as client, pytest.raises(DecodingError, match="not JSON"):
        results.sync("t-1", client=client)


def test_json_items_are_the_items_as_received_each_on_one_line() -> None:
    body = b'{"entities":\n[ {"a" :\t1.50E+3,\r\n "b":"\\u00e9\\n"} , [1,2], "x", null ], "other": {"entities": 1}}'
    assert json_items(body, "entities") == [b'{"a": 1.50E+3, "b": "\\u00e9\\n"}', b"[1, 2]", b'"x"', b"null"]
    assert json_items(b'{"entities": null}', "entities") == []
    assert json_items(b'{"entities": []}', "entities") == []
    assert json_items(b"{}", "entities") == []


@pytest.mark.parametrize("body", [b'{"entities": {"a": 1}}', b'{"entities": [1,', b"[1, 2]", b'{"entities": "x"}'])
def test_json_items_of_what_is_not_an_object_with_an_array_is_a_decoding_error(body: bytes) -> None:
    with pytest.raises(DecodingError, match="entities"):
        json_items(body, "entities")
