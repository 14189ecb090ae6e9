"""Typed errors with status, Genesys error body and headers; DecodingError for malformed bodies."""

import pytest
from genesys_cloud_audit import (
    ApiError,
    BadRequestError,
    DecodingError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    UnexpectedStatusError,
)
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id as status_op
from genesys_cloud_audit.errors import ConflictError, RequestTimeoutError

from tests.support.clients import make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response

PATH = "/api/v2/audits/query/tx-9"
BODY = {
    "code": "not.found",
    "message": "No query tx-9",
    "contextId": "ctx-42",
    "status": 404,
    "details": [{"errorCode": "x.y", "fieldName": "id"}],
}


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, RequestTimeoutError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (504, ServerError),
        (418, ApiError),
    ],
)
def test_status_maps_to_its_error_class_with_body_and_headers(
    scripted_server: ScriptedServer, status: int, kind: type[ApiError]
) -> None:
    scripted_server.set_default("GET", PATH, json_response(status, BODY, {"ININ-Correlation-Id": "corr-1"}))
    with make_client(scripted_server, retry=RetryPolicy(max_attempts=1)) as client, pytest.raises(kind) as caught:
        status_op.sync("tx-9", client=client)
    error = caught.value
    assert type(error) is kind
    assert (error.status, error.code, error.error_message, error.request_id) == (
        status,
        "not.found",
        "No query tx-9",
        "ctx-42",
    )
    assert error.details == [{"errorCode": "x.y", "fieldName": "id"}]
    assert error.headers["ININ-Correlation-Id"] == "corr-1"
    assert error.operation_id == "getAuditsQueryTransactionId"
    parsed = error.error_body
    assert parsed is not None and parsed.context_id == "ctx-42"
    assert parsed.details and parsed.details[0].field_name == "id"


def test_non_json_error_body_still_raises_the_typed_error(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", PATH, Canned(502, b"<html>bad gateway</html>"))
    with (
        make_client(scripted_server, retry=RetryPolicy(max_attempts=1)) as client,
        pytest.raises(ServerError) as caught,
    ):
        status_op.sync("tx-9", client=client)
    assert caught.value.body == {} and caught.value.error_body is None and caught.value.request_id is None


def test_undocumented_success_status_raises(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", PATH, Canned(204))
    with make_client(scripted_server) as client, pytest.raises(UnexpectedStatusError) as caught:
        status_op.sync("tx-9", client=client)
    assert caught.value.status == 204


def test_redirects_are_not_followed_and_raise(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", PATH, Canned(302, headers={"Location": "http://127.0.0.1:9/elsewhere"}))
    with make_client(scripted_server) as client, pytest.raises(UnexpectedStatusError):
        status_op.sync("tx-9", client=client)


@pytest.mark.parametrize(
    "body",
    [b'{"id": "tx-9", "state": "Queu', b"", b"[1, 2]", b'{"id": "tx-9", "startDate": 17}'],
    ids=["truncated", "empty", "array", "wrong-type"],
)
def test_malformed_bodies_raise_decoding_error(scripted_server: ScriptedServer, body: bytes) -> None:
    scripted_server.set_default("GET", PATH, Canned(200, body, {"Content-Type": "application/json"}))
    with make_client(scripted_server) as client, pytest.raises(DecodingError) as caught:
        status_op.sync("tx-9", client=client)
    assert not isinstance(caught.value, (KeyError, AttributeError))


def test_wrong_typed_field_names_model_and_field(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", PATH, json_response(200, {"id": "tx-9", "startDate": 17}))
    with make_client(scripted_server) as client, pytest.raises(DecodingError) as caught:
        status_op.sync("tx-9", client=client)
    assert caught.value.model == "AuditQueryExecutionStatusResponse"
    assert caught.value.field == "startDate"


def test_unknown_state_is_kept_not_fatal(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("GET", PATH, json_response(200, {"id": "tx-9", "state": "Paused"}))
    with make_client(scripted_server) as client:
        status = status_op.sync("tx-9", client=client)
    assert status.state == "Paused" and status.state is not None and not status.state.is_known
