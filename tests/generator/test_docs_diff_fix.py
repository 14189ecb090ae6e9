"""docs-diff --fix: every finding it can express becomes a spec edit that makes the finding go away."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from generator.docs_diff import FindingKind, compare, main, parse_page, read_spec
from generator.docs_diff.fix import fix_spec
from generator.docs_diff.model import ApiReference
from generator.docs_diff.spec_view import spec_from_document
from generator.spec import load_spec, parse_yaml

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "docs"
FIXTURE_SPEC = FIXTURES / "fixture-spec.yaml"
SEED_ERA_SPEC = REPO / "tests" / "fixtures" / "specs" / "audit-api-seed-era.yaml"
SPEC = REPO / "spec" / "audit-api.yaml"


def _parse(text: str) -> Any:
    """Spec text as plain data, read as the generator reads it."""
    return parse_yaml(text, Path("edited.yaml")).data


CHANGE_PAGES = sorted(p.name for p in FIXTURES.glob("change-*.md"))


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    target = tmp_path / "spec.yaml"
    shutil.copyfile(FIXTURE_SPEC, target)
    return target


def edited(path: Path, text: str) -> ApiReference:
    return spec_from_document(parse_yaml(text, path).data, str(path))


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a line diff."""
    import difflib

    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


@pytest.mark.parametrize("page", CHANGE_PAGES)
def test_every_fixture_change_is_fixed(spec_copy: Path, page: str) -> None:
    docs = parse_page(FIXTURES / page)
    findings = compare(read_spec(spec_copy), docs)
    assert findings
    result = fix_spec(spec_copy, docs, findings)
    assert result.applied == findings
    assert result.remaining == []
    assert compare(edited(spec_copy, result.text), docs) == []
    # Comments and untouched lines survive.
    assert result.text.startswith("# A small spec the fixture pages in this folder are compared with.")
    removed, added = changed_lines(result.original, result.text)
    assert len(removed) + len(added) <= 40, (removed, added)


EXACT_EDITS = [
    (
        "change-parameter-default.md",
        ["          schema: {type: integer, format: int32, default: 25}"],
        ["          schema: {type: integer, format: int32, default: 50}"],
    ),
    (
        "change-summary.md",
        ["      summary: Get results of audit query"],
        ["      summary: Get the results of an audit query"],
    ),
    (
        "change-permission-type.md",
        ["      x-inin-requires-permissions: {type: ALL, permissions: [audits:audit:view]}"],
        ["      x-inin-requires-permissions: {type: ANY, permissions: [audits:audit:view]}"],
    ),
    (
        "change-description.md",
        [],
        ["      x-docs-description: Valid serviceName values come from the service mapping operation."],
    ),
    (
        "change-parameter-optionality.md",
        ["          required: false"],
        ["          required: true"],
    ),
]


@pytest.mark.parametrize(("page", "removed", "added"), EXACT_EDITS)
def test_edits_touch_only_what_changed(spec_copy: Path, page: str, removed: list[str], added: list[str]) -> None:
    docs = parse_page(FIXTURES / page)
    result = fix_spec(spec_copy, docs, compare(read_spec(spec_copy), docs))
    assert changed_lines(result.original, result.text) == (removed, added)


def test_a_shared_parameter_is_copied_when_only_one_user_changes(spec_copy: Path) -> None:
    docs = parse_page(FIXTURES / "change-parameter-values.md")  # expand gains division on the results only
    result = fix_spec(spec_copy, docs, compare(read_spec(spec_copy), docs))
    document = _parse(result.text)
    results = document["paths"]["/api/v2/audits/query/{transactionId}/results"]["get"]["parameters"]
    realtime = document["paths"]["/api/v2/audits/query/realtime"]["post"]["parameters"]
    assert realtime == [{"$ref": "#/components/parameters/expand"}]
    (own,) = [p for p in results if p.get("name") == "expand"]
    assert own["schema"]["items"]["enum"] == ["user", "division"]
    assert document["components"]["schemas"]["AuditExpandField"]["enum"] == ["user"]
    assert result.remaining == []


def test_a_shared_parameter_is_edited_in_place_when_every_user_changes(spec_copy: Path) -> None:
    text = (FIXTURES / "unchanged.md").read_text()
    text = text.replace("**Values**: user |", "**Values**: user, division |")
    page = spec_copy.parent / "page.md"
    page.write_text(text)
    docs = parse_page(page)
    findings = compare(read_spec(spec_copy), docs)
    assert [f.kind for f in findings] == [FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED] * 2
    result = fix_spec(spec_copy, docs, findings)
    removed, added = changed_lines(result.original, result.text)
    assert (removed, added) == (
        ["    AuditExpandField: {type: string, enum: [user]}"],
        ["    AuditExpandField: {type: string, enum: [user, division]}"],
    )


def test_a_new_operation_gets_a_skeleton_with_its_models(spec_copy: Path) -> None:
    docs = parse_page(FIXTURES / "change-operation-added.md")
    result = fix_spec(spec_copy, docs, compare(read_spec(spec_copy), docs))
    document = _parse(result.text)
    paths = list(document["paths"])
    assert (
        paths.index("/api/v2/audits/query/realtime/servicemapping") == paths.index("/api/v2/audits/query/realtime") + 1
    )
    op = document["paths"]["/api/v2/audits/query/realtime/servicemapping"]["get"]
    assert op["operationId"] == "getAuditsQueryRealtimeServicemapping"
    assert op["x-inin-requires-permissions"] == {"type": "ALL", "permissions": ["audits:audit:view"]}
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AuditQueryServiceMapping"}  # an existing model is reused
    assert result.remaining == []


def test_removed_operation_and_parameter(spec_copy: Path) -> None:
    for page, gone in (
        ("change-operation-removed.md", "/api/v2/audits/query/realtime"),
        ("change-parameter-removed.md", "name: cursor"),
    ):
        docs = parse_page(FIXTURES / page)
        result = fix_spec(spec_copy, docs, compare(read_spec(spec_copy), docs))
        assert gone in result.original
        assert gone not in result.text
        assert result.remaining == []


def test_a_layout_ruamel_cannot_keep_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text(FIXTURE_SPEC.read_text().replace("openapi: 3.1.0", "openapi:    3.1.0"))
    before = odd.read_bytes()
    status = main([str(FIXTURES / "change-summary.md"), "--spec", str(odd), "--fix", "--write"])
    assert status == 2
    err = capsys.readouterr().err
    assert f"{odd}: cannot edit the spec without changing its layout" in err
    assert odd.read_bytes() == before


def test_cli_diff_then_write(spec_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = str(FIXTURES / "change-parameter-default.md")
    mode = stat.S_IMODE(os.stat(spec_copy).st_mode) | stat.S_IRGRP
    os.chmod(spec_copy, mode)
    before = spec_copy.read_text()
    assert main([page, "--spec", str(spec_copy), "--fix"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"--- a/{spec_copy}\n+++ b/{spec_copy}\n@@ ")
    assert "-          schema: {type: integer, format: int32, default: 25}\n" in captured.out
    assert "+          schema: {type: integer, format: int32, default: 50}\n" in captured.out
    assert "1 of 1 finding(s)" in captured.err
    assert spec_copy.read_text() == before  # without --write nothing is written
    assert main([page, "--spec", str(spec_copy), "--fix", "--write"]) == 0
    assert "wrote" in capsys.readouterr().err
    assert stat.S_IMODE(os.stat(spec_copy).st_mode) == mode
    assert list(spec_copy.parent.iterdir()) == [spec_copy]  # no temporary file left
    assert main([page, "--spec", str(spec_copy)]) == 0
    assert main([page, "--spec", str(spec_copy), "--fix"]) == 0
    assert "nothing to fix" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--write"], "--write applies the edits of --fix"),
        (["--fix", "--format", "json"], "--fix prints a unified diff"),
    ],
)
def test_cli_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FIXTURES / "unchanged.md"), "--spec", str(FIXTURE_SPEC), *args]) == 2
    assert message in capsys.readouterr().err


def test_fix_of_a_page_that_cannot_be_read(spec_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = spec_copy.read_text()
    assert main([str(FIXTURES / "not-api-reference.md"), "--spec", str(spec_copy), "--fix", "--write"]) == 2
    assert "no operations table" in capsys.readouterr().err
    assert spec_copy.read_text() == before


def test_seed_era_spec_fixed_against_the_newest_page_matches_the_hand_updated_spec(
    shared_docs: Path, tmp_path: Path
) -> None:
    """The acceptance check: same operations, parameters and model names (bodies and descriptions aside)."""
    newest = parse_page(shared_docs / "renderings" / "dotnet" / "270.0.0.md")
    seed_era = tmp_path / "audit-api.yaml"
    shutil.copyfile(SEED_ERA_SPEC, seed_era)
    assert (
        main([str(shared_docs / "renderings" / "dotnet" / "270.0.0.md"), "--spec", str(seed_era), "--fix", "--write"])
        == 0
    )
    fixed, hand = read_spec(seed_era), read_spec(SPEC)
    assert compare(fixed, newest) == []
    assert compare(hand, newest) == []

    def shape(ref: ApiReference) -> dict[str, object]:
        return {
            op.operation_id: (
                op.method,
                op.path,
                str(op.return_type),
                sorted(
                    (p.name, p.location, str(p.type), p.required, p.default, p.allowed_values) for p in op.parameters
                ),
            )
            for op in ref.operations
        }

    assert shape(fixed) == shape(hand)
    fixed_models = set(load_spec(seed_era).data["components"]["schemas"])
    hand_models = set(load_spec(SPEC).data["components"]["schemas"])
    # The page names the new operation's models; the large-results page of allowRedirect it does not.
    assert fixed_models - set(load_spec(SEED_ERA_SPEC).data["components"]["schemas"]) == {
        "AuditRealtimeRelatedRequest",
        "AuditRealtimeRelatedResultsResponse",
    }
    assert hand_models - fixed_models == {"AuditQueryExecutionLargeResultsResponse"}


def test_a_renamed_operation_takes_the_place_of_the_old_one(spec_copy: Path) -> None:
    text = (FIXTURES / "unchanged.md").read_text().replace("PostAuditsQuery (", "PostAuditsQueryCreate (")
    text = text.replace("[**PostAuditsQuery**]", "[**PostAuditsQueryCreate**]")
    page = spec_copy.parent / "page.md"
    page.write_text(text)
    docs = parse_page(page)
    findings = compare(read_spec(spec_copy), docs)
    assert {(f.kind, f.operation) for f in findings} == {
        (FindingKind.OPERATION_ADDED, "postAuditsQueryCreate"),
        (FindingKind.OPERATION_REMOVED, "postAuditsQuery"),
    }
    result = fix_spec(spec_copy, docs, findings)
    assert result.applied == findings
    assert result.remaining == []
    post = _parse(result.text)["paths"]["/api/v2/audits/query"]["post"]
    assert post["operationId"] == "postAuditsQueryCreate"
