"""spec/audit-api.yaml follows the newest published reference page; the seed page shows what changed since.

The pages live outside the repo, in ../shared/docs/ (or $AUDIT_SHARED_DOCS); skipped without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.docs_diff import FindingKind, compare, main, parse_page, read_spec

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "audit-api.yaml"
RESULTS = "getAuditsQueryTransactionIdResults"


def newest(shared_docs: Path) -> Path:
    return shared_docs / "renderings" / "dotnet" / "270.0.0.md"


@pytest.mark.parametrize("sdk_page", ["dotnet/270.0.0.md", "python/257.1.0.md"])
def test_the_newest_pages_agree_with_the_spec(
    shared_docs: Path, sdk_page: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main([str(shared_docs / "renderings" / sdk_page), "--spec", str(SPEC)])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err
    assert "agree on 7 operation(s)" in captured.out


def test_the_seed_page_reports_exactly_the_known_revisions(shared_docs: Path) -> None:
    """The seed page (the .NET page of 125.0.1) lacks what releases 127 to 270 added."""
    findings = compare(read_spec(SPEC), parse_page(shared_docs / "AuditApi.md"))
    assert [(f.kind, f.operation, f.parameter) for f in findings] == [
        (FindingKind.PARAMETER_REMOVED, RESULTS, "allowRedirect"),
        (FindingKind.PARAMETER_DESCRIPTION_CHANGED, RESULTS, "pageSize"),
        (FindingKind.DESCRIPTION_CHANGED, "postAuditsQuery", None),
        (FindingKind.SUMMARY_CHANGED, "postAuditsQueryRealtime", None),
        (FindingKind.DESCRIPTION_CHANGED, "postAuditsQueryRealtime", None),
        (FindingKind.OPERATION_REMOVED, "postAuditsQueryRealtimeRelated", None),
    ]
    by_kind = {(f.kind, f.operation): f for f in findings}
    summary = by_kind[(FindingKind.SUMMARY_CHANGED, "postAuditsQueryRealtime")]
    assert isinstance(summary.spec, str) and "14 days" in summary.spec
    assert isinstance(summary.docs, str) and "7 days" in summary.docs
    assert by_kind[(FindingKind.PARAMETER_REMOVED, RESULTS)].spec == "query, boolean, optional"
    assert by_kind[(FindingKind.OPERATION_REMOVED, "postAuditsQueryRealtimeRelated")].spec == (
        "POST /api/v2/audits/query/realtime/related"
    )


def test_the_seed_page_model(shared_docs: Path) -> None:
    docs = parse_page(shared_docs / "AuditApi.md")
    assert [op.operation_id for op in docs.operations] == [
        "getAuditsQueryRealtimeServicemapping",
        "getAuditsQueryServicemapping",
        "getAuditsQueryTransactionId",
        "getAuditsQueryTransactionIdResults",
        "postAuditsQuery",
        "postAuditsQueryRealtime",
    ]
    results = docs.by_id()[RESULTS]
    assert [(p.name, p.location, str(p.type), p.required) for p in results.parameters] == [
        ("transactionId", "path", "string", True),
        ("cursor", "query", "string", False),
        ("pageSize", "query", "integer (int32)", False),
        ("expand", "query", "array of string", False),
    ]
    page_size = results.parameter("pageSize")
    assert page_size is not None
    assert page_size.default == "25"
    expand = results.parameter("expand")
    assert expand is not None
    assert expand.allowed_values == ("user",)
    assert results.permissions.type == "ALL"
    assert results.permissions.names == ("audits:audit:view",)
    body = docs.by_id()["postAuditsQuery"].body
    assert body is not None
    assert str(body.type) == "AuditQueryRequest"


def test_the_newest_page_model(shared_docs: Path) -> None:
    docs = parse_page(newest(shared_docs))
    related = docs.by_id()["postAuditsQueryRealtimeRelated"]
    assert (related.method, related.path) == ("POST", "/api/v2/audits/query/realtime/related")
    assert related.body is not None and str(related.body.type) == "AuditRealtimeRelatedRequest"
    assert str(related.return_type) == "AuditRealtimeRelatedResultsResponse"
    redirect = docs.by_id()[RESULTS].parameter("allowRedirect")
    assert redirect is not None
    assert (redirect.location, str(redirect.type), redirect.required, redirect.default) == (
        "query",
        "boolean",
        False,
        None,
    )
    assert len(read_spec(SPEC).operations) == len(docs.operations) == 7
