"""The release history of the shared renderings: what changed in content between consecutive pages.

``../shared/docs/renderings/<sdk>/`` holds each distinct revision of the Audit API page as one SDK
published it. The transitions below were read off the pages (``diff`` of consecutive files): each
lists exactly the content changes, and revisions that changed only in form (heading and link
styles, method case, attribute lines, blank lines, "parameter" / "parameters") list none.
"""

from __future__ import annotations

from pathlib import Path

from generator.docs_diff import Finding, FindingKind

__all__ = [
    "ALLOW_REDIRECT_ADDED",
    "RELATED",
    "RELATED_ADDED",
    "RESULTS",
    "SAME_CONTENT",
    "SDKS",
    "SEVEN_TO_FOURTEEN_DAYS",
    "TRANSITIONS",
    "Change",
    "changes",
    "page",
    "pages",
    "version",
]

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
# Every SDK folder of renderings/, and its first revision (a one-page SDK has no transitions).
SDKS = {"dotnet": "74.0.0", "python": "71.0.0", "java": "264.1.0"}


def version(page: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in page.stem.split("."))


def page(shared_docs: Path, sdk: str, release: str) -> Path:
    return shared_docs / "renderings" / sdk / f"{release}.md"


def pages(shared_docs: Path, sdk: str) -> list[Path]:
    """One SDK's renderings in release order."""
    return sorted((shared_docs / "renderings" / sdk).glob("*.md"), key=version)


def changes(findings: list[Finding]) -> set[Change]:
    return {(f.kind, f.operation, f.parameter) for f in findings}
