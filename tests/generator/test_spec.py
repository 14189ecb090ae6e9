"""spec/ is valid OpenAPI 3.1 and says what the reference docs say."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate

from generator import settings
from generator.spec import load_spec

SPEC: dict[str, Any] = load_spec(settings.SPEC_FILE).data
OPERATIONS = {
    op["operationId"]: (method.upper(), path, op) for path, item in SPEC["paths"].items() for method, op in item.items()
}


def test_spec_validates_with_openapi_spec_validator() -> None:
    validate(SPEC)


def test_seven_operations_with_methods_and_paths_from_the_docs() -> None:
    assert {k: v[:2] for k, v in OPERATIONS.items()} == {
        "getAuditsQueryRealtimeServicemapping": ("GET", "/api/v2/audits/query/realtime/servicemapping"),
        "getAuditsQueryServicemapping": ("GET", "/api/v2/audits/query/servicemapping"),
        "getAuditsQueryTransactionId": ("GET", "/api/v2/audits/query/{transactionId}"),
        "getAuditsQueryTransactionIdResults": ("GET", "/api/v2/audits/query/{transactionId}/results"),
        "postAuditsQuery": ("POST", "/api/v2/audits/query"),
        "postAuditsQueryRealtime": ("POST", "/api/v2/audits/query/realtime"),
        "postAuditsQueryRealtimeRelated": ("POST", "/api/v2/audits/query/realtime/related"),
    }


def test_allow_redirect_is_never_sent_unless_asked() -> None:
    """No default: a default would be sent on every results request, turning redirects on for all."""
    (redirect,) = [
        p for p in OPERATIONS["getAuditsQueryTransactionIdResults"][2]["parameters"] if p.get("name") == "allowRedirect"
    ]
    assert (redirect["in"], redirect["required"], redirect["schema"]["type"]) == ("query", False, "boolean")
    assert "default" not in redirect["schema"]


def test_results_keep_their_documented_type_and_the_large_page_has_a_model() -> None:
    ok = OPERATIONS["getAuditsQueryTransactionIdResults"][2]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AuditQueryExecutionResultsResponse"}
    large = SPEC["components"]["schemas"]["AuditQueryExecutionLargeResultsResponse"]
    assert set(large["properties"]) == {"id", "pageSize", "cursor", "downloadUrl"}
    assert "entities" not in large["properties"]
    assert "additionalProperties" not in SPEC["components"]["schemas"]["AuditQueryExecutionResultsResponse"]


def test_every_operation_requires_audit_view_and_documents_every_error() -> None:
    errors = {"400", "401", "403", "404", "408", "409", "413", "415", "429", "500", "503", "504"}
    for _method, _path, op in OPERATIONS.values():
        assert op["x-inin-requires-permissions"] == {"type": "ALL", "permissions": ["audits:audit:view"]}
        assert errors <= set(op["responses"])


def test_accepted_responses_are_documented() -> None:
    assert "202" in OPERATIONS["postAuditsQuery"][2]["responses"]
    assert "202" in OPERATIONS["getAuditsQueryTransactionId"][2]["responses"]


def test_security_and_servers_cover_every_region() -> None:
    flow = SPEC["components"]["securitySchemes"]["PureCloudOAuth"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"].endswith("/oauth/token")
    assert "audits:readonly" in flow["scopes"]
    regions = SPEC["servers"][0]["variables"]["region"]["enum"]
    assert len(regions) == 18 and "usw2.pure.cloud" in regions and "edee1.eusc-pure.cloud" in regions


def test_every_schema_property_has_a_description() -> None:
    for name, schema in SPEC["components"]["schemas"].items():
        assert schema.get("description"), name
        for prop, body in schema.get("properties", {}).items():
            assert body.get("description"), f"{name}.{prop}"


def test_audit_log_message_has_all_nineteen_fields() -> None:
    assert len(SPEC["components"]["schemas"]["AuditLogMessage"]["properties"]) == 19
