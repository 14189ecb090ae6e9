"""Forward-compatible response models, strict request enums."""

import datetime

import pytest
from genesys_cloud_audit import DecodingError
from genesys_cloud_audit.models.audit_log_message import AuditLogMessage
from genesys_cloud_audit.models.audit_log_message_level import AuditLogMessageLevel
from genesys_cloud_audit.models.audit_query_execution_results_response import AuditQueryExecutionResultsResponse
from genesys_cloud_audit.models.audit_query_sort_sort_order import AuditQuerySortSortOrder

RECORD = {
    "id": "rec-1",
    "level": "PARTNER",
    "status": "SUCCESS",
    "eventDate": "2026-11-01T10:00:00.123Z",
    "serviceName": "Architect",
    "brandNewField": {"nested": [1, 2]},
    "application": None,
}


def test_unknown_level_and_unknown_field_parse_and_round_trip() -> None:
    record = AuditLogMessage.from_dict(RECORD)
    assert record.level == "PARTNER"
    assert isinstance(record.level, AuditLogMessageLevel)
    assert not record.level.is_known
    assert record["brandNewField"] == {"nested": [1, 2]}
    again = record.to_dict()
    assert again["level"] == "PARTNER"
    assert again["brandNewField"] == {"nested": [1, 2]}
    assert "application" not in again  # null for an optional field reads as absent
    assert AuditLogMessage.from_dict(again).to_dict() == again


def test_event_date_with_z_and_milliseconds_parses() -> None:
    record = AuditLogMessage.from_dict(RECORD)
    assert record.event_date == datetime.datetime(2026, 11, 1, 10, 0, 0, 123000, tzinfo=datetime.UTC)
    assert AuditLogMessage.from_dict(record.to_dict()).event_date == record.event_date


def test_unknown_member_is_stable_and_known_members_stay_known() -> None:
    assert AuditLogMessageLevel.decode("PARTNER") is AuditLogMessageLevel.decode("PARTNER")
    assert AuditLogMessageLevel.decode("USER") is AuditLogMessageLevel.USER
    assert AuditLogMessageLevel.USER.is_known
    assert "PARTNER" not in [m.value for m in AuditLogMessageLevel]
    # An unlisted value that happens to equal a member *name* is still unknown.
    assert not AuditQuerySortSortOrder.decode("ASCENDING").is_known


def test_requests_still_validate_closed_sets() -> None:
    AuditLogMessageLevel.decode("PARTNER")
    with pytest.raises(ValueError):
        AuditQuerySortSortOrder("sideways")
    with pytest.raises(ValueError):
        AuditLogMessageLevel("PARTNER")


@pytest.mark.parametrize(
    ("payload", "model", "field"),
    [
        ({"eventDate": "yesterday-ish"}, "AuditLogMessage", "eventDate"),
        ({"eventDate": "not a date"}, "AuditLogMessage", "eventDate"),
        ({"eventDate": 12}, "AuditLogMessage", "eventDate"),
        ({"level": 7}, "AuditLogMessage", "level"),
        ({"user": "not-an-object"}, "AuditLogMessage", "user"),
        ({"user": "bob"}, "AuditLogMessage", "user"),
        ({"propertyChanges": 5}, "AuditLogMessage", "propertyChanges"),
    ],
)
def test_wrong_typed_fields_raise_decoding_error_naming_model_and_field(
    payload: dict[str, object], model: str, field: str
) -> None:
    with pytest.raises(DecodingError) as caught:
        AuditLogMessage.from_dict(payload)
    assert (caught.value.model, caught.value.field) == (model, field)
    assert model in str(caught.value) and field in str(caught.value)


def test_nested_decoding_error_carries_the_json_path() -> None:
    with pytest.raises(DecodingError) as caught:
        AuditQueryExecutionResultsResponse.from_dict({"entities": [{"eventDate": "nope"}]})
    assert caught.value.model == "AuditLogMessage"
    assert caught.value.field == "eventDate"
    assert caught.value.path == "entities.eventDate"


def test_a_non_object_is_a_decoding_error() -> None:
    with pytest.raises(DecodingError) as caught:
        AuditLogMessage.from_dict([1, 2])  # type: ignore[arg-type]
    assert caught.value.model == "AuditLogMessage"
