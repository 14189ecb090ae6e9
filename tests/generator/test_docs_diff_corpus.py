"""Every published rendering of the Audit API page is read, and revisions differ only in content.

``../shared/docs/renderings/`` holds each distinct revision of the page as the .NET, Python and
Java SDKs published it; `docs_history` lists the content changes between consecutive ones.
Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.docs_diff import Finding, compare, main, parse_page
from tests.generator.docs_history import (
    ALLOW_REDIRECT_ADDED,
    RELATED,
    RELATED_ADDED,
    SAME_CONTENT,
    SEVEN_TO_FOURTEEN_DAYS,
    TRANSITIONS,
    Change,
    changes,
    page,
    version,
)

TRANSITION_IDS = [f"{sdk}-{old}-{new}" for sdk, steps in TRANSITIONS.items() for old, new, _ in steps]
TRANSITION_CASES = [(sdk, old, new, content) for sdk, steps in TRANSITIONS.items() for old, new, content in steps]


def renderings(shared_docs: Path) -> list[Path]:
    """Every rendering under renderings/, in any SDK folder (its README aside)."""
    root = shared_docs / "renderings"
    return sorted(p for p in root.rglob("*.md") if p.parent != root)


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
        on_disk = [p.stem for p in sorted((shared_docs / "renderings" / sdk).glob("*.md"), key=version)]
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
