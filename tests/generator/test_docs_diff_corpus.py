"""Every published rendering of the Audit API page is read, and revisions differ only in content.

``../shared/docs/renderings/`` holds each distinct revision of the page as the .NET and
Python SDKs published it. The transitions below were read off the pages (``diff`` of
consecutive files): each lists exactly the content changes, and revisions that changed
only in form (heading and link styles, method case, attribute lines, blank lines,
"parameter" / "parameters") list none. Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.docs_diff import Finding, FindingKind, compare, main, parse_page

K = FindingKind
STATUS = "getAuditsQueryTransactionId"
RESULTS = "getAuditsQueryTransactionIdResults"
MAPPING = "getAuditsQueryServicemapping"
REALTIME_MAPPING = "getAuditsQueryRealtimeServicemapping"
QUERY = "postAuditsQuery"
REALTIME = "postAuditsQueryRealtime"
RELATED = "postAuditsQueryRealtimeRelated"

Change = tuple[FindingKind, str, str | None]

EXPAND_ADDED: set[Change] = {(K.PARAMETER_ADDED, RESULTS, "expand")}
ANY_TO_ALL: set[Change] = {(K.PERMISSION_TYPE_CHANGED, op, None) for op in (STATUS, RESULTS, QUERY)}
MAPPING_ADDED: set[Change] = {(K.OPERATION_ADDED, MAPPING, None)}
REALTIME_ADDED: set[Change] = {(K.OPERATION_ADDED, REALTIME, None)}
REALTIME_MAPPING_ADDED: set[Change] = {(K.OPERATION_ADDED, REALTIME_MAPPING, None)}
REALTIME_MAPPING_SUMMARY: set[Change] = {(K.SUMMARY_CHANGED, REALTIME_MAPPING, None)}
SEVEN_TO_FOURTEEN_DAYS: set[Change] = {(K.SUMMARY_CHANGED, REALTIME, None)}
PAGE_SIZE_DESCRIPTION: set[Change] = {(K.PARAMETER_DESCRIPTION_CHANGED, RESULTS, "pageSize")}
SERVICEMAPPING_NOTES: set[Change] = {(K.DESCRIPTION_CHANGED, QUERY, None), (K.DESCRIPTION_CHANGED, REALTIME, None)}
RELATED_ADDED: set[Change] = {(K.OPERATION_ADDED, RELATED, None)}
ALLOW_REDIRECT_ADDED: set[Change] = {(K.PARAMETER_ADDED, RESULTS, "allowRedirect")}
FORM_ONLY: set[Change] = set()

# (older revision, newer revision, the content changes between them), per SDK, oldest first.
TRANSITIONS: dict[str, list[tuple[str, str, set[Change]]]] = {
    "dotnet": [
        ("74.0.0", "81.0.0", EXPAND_ADDED),
        ("81.0.0", "87.0.0", ANY_TO_ALL),
        ("87.0.0", "92.0.0", MAPPING_ADDED),
        ("92.0.0", "95.0.0", REALTIME_ADDED),
        ("95.0.0", "112.0.0", REALTIME_MAPPING_ADDED),
        ("112.0.0", "113.0.0", REALTIME_MAPPING_SUMMARY),
        ("113.0.0", "125.0.1", FORM_ONLY),  # the attribute line after "does require any parameters" went
        ("125.0.1", "127.0.0", SEVEN_TO_FOURTEEN_DAYS),
        ("127.0.0", "171.0.0", PAGE_SIZE_DESCRIPTION),
        ("171.0.0", "174.0.0", SERVICEMAPPING_NOTES),
        ("174.0.0", "177.0.0", FORM_ONLY),  # blank lines
        ("177.0.0", "180.0.0", FORM_ONLY),  # GET -> Get
        ("180.0.0", "203.0.0", RELATED_ADDED),
        ("203.0.0", "210.0.0", ALLOW_REDIRECT_ADDED),
        ("210.0.0", "270.0.0", FORM_ONLY),  # bare-name headings, quoted signatures, links, no front matter
    ],
    "python": [
        ("71.0.0", "78.0.0", EXPAND_ADDED),
        ("78.0.0", "83.0.0", ANY_TO_ALL),
        ("83.0.0", "88.0.0", MAPPING_ADDED),
        ("88.0.0", "91.0.0", REALTIME_ADDED),
        ("91.0.0", "104.0.0", REALTIME_MAPPING_ADDED),
        ("104.0.0", "109.0.0", REALTIME_MAPPING_SUMMARY),
        ("109.0.0", "122.0.0", FORM_ONLY),  # "parameter." -> "parameters.", attribute line
        ("122.0.0", "123.0.0", SEVEN_TO_FOURTEEN_DAYS),
        ("123.0.0", "168.0.0", PAGE_SIZE_DESCRIPTION),
        ("168.0.0", "171.0.0", SERVICEMAPPING_NOTES),
        ("171.0.0", "174.0.0", FORM_ONLY),
        ("174.0.0", "201.0.0", RELATED_ADDED),
        ("201.0.0", "207.0.0", ALLOW_REDIRECT_ADDED),
        ("207.0.0", "257.1.0", FORM_ONLY),
    ],
}
# Revisions of the two SDKs that carry the same content, whatever their form.
SAME_CONTENT = [
    ("74.0.0", "71.0.0"),
    ("81.0.0", "78.0.0"),
    ("87.0.0", "83.0.0"),
    ("92.0.0", "88.0.0"),
    ("95.0.0", "91.0.0"),
    ("112.0.0", "104.0.0"),
    ("113.0.0", "109.0.0"),
    ("127.0.0", "123.0.0"),
    ("171.0.0", "168.0.0"),
    ("174.0.0", "171.0.0"),
    ("203.0.0", "201.0.0"),
    ("210.0.0", "207.0.0"),
    ("270.0.0", "257.1.0"),
]
TRANSITION_IDS = [f"{sdk}-{old}-{new}" for sdk, steps in TRANSITIONS.items() for old, new, _ in steps]
TRANSITION_CASES = [(sdk, old, new, changes) for sdk, steps in TRANSITIONS.items() for old, new, changes in steps]


def _version(page: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in page.stem.split("."))


def renderings(shared_docs: Path) -> list[Path]:
    """Every rendering under renderings/, in any SDK folder (its README aside)."""
    root = shared_docs / "renderings"
    return sorted(p for p in root.rglob("*.md") if p.parent != root)


def page(shared_docs: Path, sdk: str, version: str) -> Path:
    return shared_docs / "renderings" / sdk / f"{version}.md"


def changes(findings: list[Finding]) -> set[Change]:
    return {(f.kind, f.operation, f.parameter) for f in findings}


def test_every_rendering_is_read(shared_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = renderings(shared_docs)
    assert len(pages) >= 31
    for rendering in pages:
        status = main([str(rendering)])
        captured = capsys.readouterr()
        assert status in (0, 1), f"{rendering}: {captured.err}"
        assert captured.err == ""


def test_the_transitions_cover_every_rendering(shared_docs: Path) -> None:
    """A new revision in the folder needs its transition read off the pages and added above."""
    for sdk, steps in TRANSITIONS.items():
        chain = [steps[0][0], *(new for _, new, _ in steps)]
        assert [old for old, _, _ in steps] == chain[:-1], f"{sdk}: the transitions must form one chain"
        on_disk = [p.stem for p in sorted((shared_docs / "renderings" / sdk).glob("*.md"), key=_version)]
        assert chain == on_disk, f"{sdk}: add the transitions to the revisions not listed here"


@pytest.mark.parametrize(("sdk", "old", "new", "expected"), TRANSITION_CASES, ids=TRANSITION_IDS)
def test_consecutive_revisions_differ_exactly_in_content(
    shared_docs: Path, sdk: str, old: str, new: str, expected: set[Change]
) -> None:
    findings = compare(parse_page(page(shared_docs, sdk, old)), parse_page(page(shared_docs, sdk, new)))
    assert changes(findings) == expected
    assert len(findings) == len(expected)


@pytest.mark.parametrize(("dotnet", "python"), SAME_CONTENT)
def test_both_sdks_render_the_same_content(shared_docs: Path, dotnet: str, python: str) -> None:
    findings = compare(parse_page(page(shared_docs, "dotnet", dotnet)), parse_page(page(shared_docs, "python", python)))
    assert findings == []


@pytest.mark.parametrize("sdk", ["dotnet", "python"])
def test_the_known_transitions_in_detail(shared_docs: Path, sdk: str) -> None:
    by_change = {frozenset(c): (old, new) for old, new, c in TRANSITIONS[sdk] if c}

    def findings(change: set[Change]) -> list[Finding]:
        old, new = by_change[frozenset(change)]
        return compare(parse_page(page(shared_docs, sdk, old)), parse_page(page(shared_docs, sdk, new)))

    # 6 to 7 operations
    old, new = by_change[frozenset(RELATED_ADDED)]
    assert len(parse_page(page(shared_docs, sdk, old)).operations) == 6
    assert len(parse_page(page(shared_docs, sdk, new)).operations) == 7
    (added,) = findings(RELATED_ADDED)
    assert added.docs == "POST /api/v2/audits/query/realtime/related"
    related = parse_page(page(shared_docs, sdk, new)).by_id()[RELATED]
    assert related.body is not None
    assert str(related.body.type) == "AuditRealtimeRelatedRequest"
    assert str(related.return_type) == "AuditRealtimeRelatedResultsResponse"
    # allowRedirect added: an optional boolean query parameter without a default
    (redirect,) = findings(ALLOW_REDIRECT_ADDED)
    assert redirect.docs == "query, boolean, optional"
    # 7 to 14 days
    (days,) = findings(SEVEN_TO_FOURTEEN_DAYS)
    assert isinstance(days.spec, str)
    assert isinstance(days.docs, str)
    assert "only retrieve 7 days worth" in days.spec
    assert days.docs == days.spec.replace("7 days", "14 days")
