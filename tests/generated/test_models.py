"""Models decode realistic full payloads and encode them back unchanged."""

from __future__ import annotations

import copy
from typing import Any

from genesys_cloud_audit.models import (
    AuditLogMessage,
    AuditQueryExecutionResultsResponse,
    AuditQueryExecutionStatusResponse,
    ErrorBody,
)

FULL_RECORD: dict[str, Any] = {
    "id": "6b2e4c1a-9f0d-4c58-8d7e-1f2a3b4c5d6e",
    "userHomeOrgId": "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b",
    "user": {"id": "u-1", "name": "Ada Lovelace", "selfUri": "/api/v2/users/u-1"},
    "client": {"id": "c-1", "selfUri": "/api/v2/oauth/clients/c-1"},
    "remoteIp": ["203.0.113.7", "198.51.100.2"],
    "serviceName": "Architect",
    "level": "USER",
    "eventDate": "2026-11-01T10:00:00.123Z",
    "message": {
        "localizableMessageCode": "FLOW_PUBLISHED",
        "message": "Flow published",
        "messageWithParams": "Flow {name} published",
        "messageParams": {"name": "Main IVR"},
    },
    "action": "Publish",
    "entity": {"id": "f-1", "name": "Main IVR", "selfUri": "/api/v2/flows/f-1"},
    "entityType": "Flow",
    "status": "SUCCESS",
    "application": "architect-ui",
    "initiatingAction": {"transactionId": "t-9", "actionContext": "Publish"},
    "transactionInitiator": True,
    "propertyChanges": [{"property": "version", "oldValues": ["3"], "newValues": ["4"]}],
    "context": {"flowType": "inboundcall"},
    "entityChanges": [
        {"entityId": "f-1", "entityName": "Main IVR", "entityType": "Flow", "oldValues": ["a"], "newValues": ["b"]}
    ],
}


def test_full_record_round_trips() -> None:
    record = AuditLogMessage.from_dict(FULL_RECORD)
    assert record.event_date.isoformat() == "2026-11-01T10:00:00.123000+00:00"  # type: ignore[union-attr]
    assert record.user.name == "Ada Lovelace"  # type: ignore[union-attr]
    assert record.to_dict() == FULL_RECORD


def test_results_page_round_trips_with_no_cursor_on_the_last_page() -> None:
    page = {"id": "t-1", "pageSize": 500, "entities": [FULL_RECORD, FULL_RECORD]}
    decoded = AuditQueryExecutionResultsResponse.from_dict(page)
    assert decoded.to_dict() == page


def test_unknown_values_and_fields_are_kept() -> None:
    raw = {**copy.deepcopy(FULL_RECORD), "level": "PARTNER", "status": "PARTIAL", "brandNewField": {"x": 1}}
    record = AuditLogMessage.from_dict(raw)
    assert record.level == "PARTNER" and not record.level.is_known  # type: ignore[union-attr]
    assert record["brandNewField"] == {"x": 1}
    assert record.to_dict() == raw


def test_null_optional_fields_and_empty_objects_are_tolerated() -> None:
    record = AuditLogMessage.from_dict(
        {"id": "x", "client": {"id": ""}, "initiatingAction": {}, "application": "", "user": None}
    )
    assert record.to_dict() == {"id": "x", "client": {"id": ""}, "initiatingAction": {}, "application": ""}


def test_status_and_error_bodies_round_trip() -> None:
    status = {
        "id": "t-1",
        "state": "Running",
        "startDate": "2026-11-01T10:00:00.000Z",
        "interval": "2026-10-01T00:00:00.000Z/2026-11-01T00:00:00.000Z",
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Delete"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    assert AuditQueryExecutionStatusResponse.from_dict(status).to_dict() == status
    error = {
        "message": "bad",
        "code": "bad.request",
        "status": 400,
        "messageParams": {},
        "contextId": "ctx",
        "details": [{"errorCode": "E1"}],
        "errors": [{"message": "inner", "code": "x", "errors": []}],
        "limit": {"key": "k", "namespace": "audits", "value": 300},
    }
    assert ErrorBody.from_dict(error).to_dict() == error
