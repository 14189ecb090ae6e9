"""docs-diff end to end: fixture pages against the frozen fixture spec."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.docs_diff import FindingKind, main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "docs"
SPEC = FIXTURES / "fixture-spec.yaml"
RESULTS = "getAuditsQueryTransactionIdResults"


def run(page: str, *extra: str) -> int:
    return main([str(FIXTURES / page), "--spec", str(SPEC), *extra])


def run_json(page: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    status = run(page, "--format", "json")
    return status, json.loads(capsys.readouterr().out)


def test_unchanged_page_reports_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("unchanged.md") == 0
    out = capsys.readouterr().out
    assert out.startswith("no differences:")
    assert "agree on 5 operation(s)" in out


CHANGES = [
    (
        "change-operation-added.md",
        FindingKind.OPERATION_ADDED,
        "getAuditsQueryRealtimeServicemapping",
        None,
    ),
    (
        "change-operation-removed.md",
        FindingKind.OPERATION_REMOVED,
        "postAuditsQueryRealtime",
        None,
    ),
    ("change-method.md", FindingKind.METHOD_CHANGED, "postAuditsQuery", None),
    ("change-path.md", FindingKind.PATH_CHANGED, "getAuditsQueryServicemapping", None),
    ("change-parameter-added.md", FindingKind.PARAMETER_ADDED, RESULTS, "pageNumber"),
    ("change-parameter-removed.md", FindingKind.PARAMETER_REMOVED, RESULTS, "cursor"),
    (
        "change-parameter-type.md",
        FindingKind.PARAMETER_TYPE_CHANGED,
        RESULTS,
        "pageSize",
    ),
    (
        "change-parameter-optionality.md",
        FindingKind.PARAMETER_OPTIONALITY_CHANGED,
        RESULTS,
        "cursor",
    ),
    (
        "change-parameter-default.md",
        FindingKind.PARAMETER_DEFAULT_CHANGED,
        RESULTS,
        "pageSize",
    ),
    (
        "change-parameter-values.md",
        FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED,
        RESULTS,
        "expand",
    ),
    (
        "change-parameter-description.md",
        FindingKind.PARAMETER_DESCRIPTION_CHANGED,
        RESULTS,
        "pageSize",
    ),
    (
        "change-return-type.md",
        FindingKind.RETURN_TYPE_CHANGED,
        "getAuditsQueryTransactionId",
        None,
    ),
    ("change-body-type.md", FindingKind.REQUEST_BODY_CHANGED, "postAuditsQuery", None),
    ("change-permissions.md", FindingKind.PERMISSIONS_CHANGED, "postAuditsQuery", None),
    (
        "change-permission-type.md",
        FindingKind.PERMISSION_TYPE_CHANGED,
        "postAuditsQuery",
        None,
    ),
    ("change-summary.md", FindingKind.SUMMARY_CHANGED, RESULTS, None),
    ("change-description.md", FindingKind.DESCRIPTION_CHANGED, "postAuditsQuery", None),
]


@pytest.mark.parametrize(("page", "kind", "operation", "parameter"), CHANGES)
def test_each_change_is_reported_once(
    capsys: pytest.CaptureFixture[str],
    page: str,
    kind: FindingKind,
    operation: str,
    parameter: str | None,
) -> None:
    status, report = run_json(page, capsys)
    assert status == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [(f["kind"], f["operation"], f["parameter"]) for f in findings] == [(kind.value, operation, parameter)]


def test_every_finding_kind_has_a_fixture() -> None:
    assert {kind for _, kind, _, _ in CHANGES} == set(FindingKind) - {
        FindingKind.PARAMETER_LOCATION_CHANGED,  # covered in test_docs_diff_units.py
        FindingKind.NOT_STATED,  # silence and unreadable places: test_docs_diff_sdks.py
        FindingKind.NOT_READ,
    }


# Text lines: (page, exact line).
TEXT_LINES = [
    (
        "change-parameter-default.md",
        f"{RESULTS}: parameter pageSize: default changed: spec 25, docs 50",
    ),
    (
        "change-parameter-type.md",
        f"{RESULTS}: parameter pageSize: type changed: spec integer (int32), docs integer (int64)",
    ),
    (
        "change-parameter-optionality.md",
        f"{RESULTS}: parameter cursor: optionality changed: spec optional, docs required",
    ),
    (
        "change-parameter-values.md",
        (f"{RESULTS}: parameter expand: allowed values changed: spec [user], docs [user, division] (added: division)"),
    ),
    (
        "change-parameter-added.md",
        f"{RESULTS}: parameter pageNumber: added: docs query, integer (int32), optional, default 1",
    ),
    (
        "change-parameter-removed.md",
        f"{RESULTS}: parameter cursor: removed: spec query, string, optional",
    ),
    ("change-method.md", "postAuditsQuery: method changed: spec POST, docs PUT"),
    (
        "change-path.md",
        (
            "getAuditsQueryServicemapping: path changed: spec /api/v2/audits/query/servicemapping,"
            " docs /api/v2/audits/servicemapping"
        ),
    ),
    (
        "change-operation-added.md",
        (
            "getAuditsQueryRealtimeServicemapping: operation added:"
            " docs GET /api/v2/audits/query/realtime/servicemapping"
        ),
    ),
    (
        "change-operation-removed.md",
        "postAuditsQueryRealtime: operation removed: spec POST /api/v2/audits/query/realtime",
    ),
    (
        "change-body-type.md",
        ("postAuditsQuery: request body type changed: spec AuditQueryRequest, docs AuditRealtimeQueryRequest"),
    ),
    (
        "change-return-type.md",
        (
            "getAuditsQueryTransactionId: return type changed: spec AuditQueryExecutionStatusResponse,"
            " docs AuditQueryExecutionResultsResponse"
        ),
    ),
    (
        "change-permissions.md",
        (
            "postAuditsQuery: permissions changed: spec [audits:audit:view],"
            " docs [audits:audit:view, audits:query:add] (added: audits:query:add)"
        ),
    ),
    (
        "change-permission-type.md",
        "postAuditsQuery: permission type changed: spec ALL, docs ANY",
    ),
    (
        "change-summary.md",
        (f'{RESULTS}: summary changed: spec "Get results of audit query", docs "Get the results of an audit query"'),
    ),
    (
        "change-description.md",
        'postAuditsQuery: description changed: spec none, docs "Valid serviceName values come from the service'
        ' mapping operation."',
    ),
]


@pytest.mark.parametrize(("page", "line"), TEXT_LINES)
def test_text_line(capsys: pytest.CaptureFixture[str], page: str, line: str) -> None:
    assert run(page) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == line
    assert lines[1].startswith("1 difference(s) in 1 operation(s)")


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, report = run_json("change-parameter-values.md", capsys)
    assert status == 1
    assert report["docs"] == str(FIXTURES / "change-parameter-values.md")
    assert report["spec"] == str(SPEC)
    assert report["findings"] == [
        {
            "category": "drift",
            "kind": "parameter_allowed_values_changed",
            "operation": RESULTS,
            "parameter": "expand",
            "facet": None,
            "spec": ["user"],
            "docs": ["user", "division"],
            "docs_line": 106,
            "message": f"{RESULTS}: parameter expand: allowed values changed: spec [user],"
            " docs [user, division] (added: division)",
        }
    ]
    assert report["summary"] == {
        "drift": True,
        "total": 1,
        "operations_compared": 5,
        "operations_with_findings": 1,
        "by_kind": {"parameter_allowed_values_changed": 1},
        "by_category": {"drift": 1, "silence": 0, "unreadable": 0},
    }
    assert report["rendering"] == ".NET (C#) rendering, from its csharp examples"


def test_json_without_drift(capsys: pytest.CaptureFixture[str]) -> None:
    status, report = run_json("unchanged.md", capsys)
    assert status == 0
    assert report["findings"] == []
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["drift"] is False
    assert summary["total"] == 0


def test_not_an_api_reference_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("not-api-reference.md") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{FIXTURES / 'not-api-reference.md'}:1:" in captured.err
    assert "no operations table" in captured.err


def test_malformed_parameter_row(capsys: pytest.CaptureFixture[str]) -> None:
    """A row that lost a '|' is named at its line and left out; the rest of the page is compared."""
    assert run("malformed-parameter-row.md") == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0] == (
        f"{FIXTURES / 'malformed-parameter-row.md'}:105: {RESULTS}: parameter pageSize: not read: "
        "3 cells for 4 columns, the last ending in notes ('Page size [optional] [default to 25]'; "
        "a missing '|'?): its description and notes are not read"
    )
    assert lines[1].startswith("no differences in what could be read:")
    assert "agree on 5 operation(s)" in lines[1]


def test_missing_page(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(tmp_path / "absent.md"), "--spec", str(SPEC)]) == 2
    assert "absent.md: cannot read the page" in capsys.readouterr().err


def test_unreadable_spec(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("paths: [unclosed\n")
    assert main([str(FIXTURES / "unchanged.md"), "--spec", str(bad)]) == 2
    assert f"{bad}:2: YAML syntax error" in capsys.readouterr().err
    assert main([str(FIXTURES / "unchanged.md"), "--spec", str(tmp_path / "no.yaml")]) == 2
    assert "cannot read the spec" in capsys.readouterr().err


def test_usage_error_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "xml", "page.md"]) == 2
    assert "usage: python -m generator docs-diff" in capsys.readouterr().err


def test_help_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--spec" in capsys.readouterr().out


def _cli(*args: str, module: str = "generator.docs_diff") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_subprocess_drift_and_json() -> None:
    page = "tests/fixtures/docs/change-parameter-default.md"
    spec = "tests/fixtures/docs/fixture-spec.yaml"
    text = _cli(page, "--spec", spec)
    assert text.returncode == 1, text.stderr
    assert text.stdout.splitlines()[0] == (f"{RESULTS}: parameter pageSize: default changed: spec 25, docs 50")
    as_json = _cli(page, "--spec", spec, "--format", "json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["findings"][0]["docs"] == "50"


def test_subprocess_no_drift_and_error() -> None:
    spec = "tests/fixtures/docs/fixture-spec.yaml"
    ok = _cli("tests/fixtures/docs/unchanged.md", "--spec", spec)
    assert (ok.returncode, ok.stderr) == (0, "")
    bad = _cli("tests/fixtures/docs/not-api-reference.md", "--spec", spec)
    assert bad.returncode == 2
    assert "tests/fixtures/docs/not-api-reference.md:1:" in bad.stderr


def test_help_through_the_generator_command() -> None:
    for args in (["docs-diff", "--help"], ["docs-diff", "-h"], ["docs-diff", "page.md", "--help"]):
        done = _cli(*args, module="generator")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("usage: python -m generator docs-diff"), done.stdout
        assert "--spec" in done.stdout
        assert "--fix" in done.stdout
