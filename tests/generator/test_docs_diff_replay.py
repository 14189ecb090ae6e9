"""Replay every shared rendering of each SDK in release order, as a maintainer would.

The spec starts as spec/audit-api.yaml and is brought to the SDK's first page with
``docs-diff --fix --write``. Then each later page is compared with the spec that follows the
page before it: the findings must be exactly that release's content changes (`docs_history`),
with no false drift, nothing unreadable and nothing unstated; ``--fix --write`` makes the spec
follow it, and the next page is compared. The replay ends on the newest page, which the real
spec agrees with. Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.docs_diff import Category, FindingKind, compare, main, parse_page, read_spec
from tests.generator.docs_history import (
    ALLOW_REDIRECT_ADDED,
    RELATED,
    RELATED_ADDED,
    RESULTS,
    SDKS,
    TRANSITIONS,
    changes,
    pages,
    version,
)

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "audit-api.yaml"
WORDING = {FindingKind.SUMMARY_CHANGED, FindingKind.DESCRIPTION_CHANGED, FindingKind.PARAMETER_DESCRIPTION_CHANGED}


def follow(spec: Path, page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``docs-diff PAGE --spec SPEC --fix --write``: afterwards the spec says what the page says."""
    status = main([str(page), "--spec", str(spec), "--fix", "--write"])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "left alone" not in err
    assert compare(read_spec(spec), parse_page(page)) == []


def test_every_sdk_folder_is_replayed(shared_docs: Path) -> None:
    folders = {p.name for p in (shared_docs / "renderings").iterdir() if p.is_dir()}
    assert folders == set(SDKS), "add the new SDK folder to docs_history.SDKS (and its TRANSITIONS)"


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_replay_in_release_order(
    shared_docs: Path, sdk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = pages(shared_docs, sdk)
    assert history[0].stem == SDKS[sdk]
    expected = {new: content for _, new, content in TRANSITIONS.get(sdk, [])}
    assert [p.stem for p in history[1:]] == list(expected)
    spec = tmp_path / "audit-api.yaml"
    shutil.copyfile(SPEC, spec)
    follow(spec, history[0], capsys)
    for page in history[1:]:
        findings = compare(read_spec(spec), parse_page(page))
        assert all(f.category is Category.DRIFT for f in findings), page
        assert changes(findings) == expected[page.stem], page
        assert len(findings) == len(expected[page.stem]), page
        follow(spec, page, capsys)
    assert compare(read_spec(SPEC), parse_page(history[-1])) == []


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_the_newest_page_of_every_sdk_agrees_with_the_spec(shared_docs: Path, sdk: str) -> None:
    """Apart from wording, and here not even that: no finding of any kind."""
    findings = compare(read_spec(SPEC), parse_page(pages(shared_docs, sdk)[-1]))
    assert [f for f in findings if f.kind not in WORDING] == []
    assert findings == []


def _first_with(sdk: str, content: set[tuple[FindingKind, str, str | None]]) -> tuple[int, ...]:
    """The release that first carried a change; a one-page SDK carries everything."""
    for _, new, changed in TRANSITIONS.get(sdk, []):
        if changed == content:
            return version(Path(f"{new}.md"))
    return (0,)


def test_every_page_before_the_seventh_operation_names_it(
    shared_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed page and every rendering older than postAuditsQueryRealtimeRelated name it as missing
    (and allowRedirect, on the pages older than it)."""
    older = [shared_docs / "AuditApi.md"]
    for sdk in SDKS:
        older += [p for p in pages(shared_docs, sdk) if version(p) < _first_with(sdk, RELATED_ADDED)]
    assert len(older) >= 1 + 13 + 12
    spec = read_spec(SPEC)
    for page in older:
        findings = changes(compare(spec, parse_page(page)))
        assert (FindingKind.OPERATION_REMOVED, RELATED, None) in findings, page
        assert (FindingKind.PARAMETER_REMOVED, RESULTS, "allowRedirect") in findings, page
    for sdk in SDKS:
        between = [
            p
            for p in pages(shared_docs, sdk)
            if _first_with(sdk, RELATED_ADDED) <= version(p) < _first_with(sdk, ALLOW_REDIRECT_ADDED)
        ]
        for page in between:
            findings = changes(compare(spec, parse_page(page)))
            assert (FindingKind.OPERATION_REMOVED, RELATED, None) not in findings, page
            assert (FindingKind.PARAMETER_REMOVED, RESULTS, "allowRedirect") in findings, page
    # As the maintainer sees it.
    assert main([str(shared_docs / "AuditApi.md"), "--spec", str(SPEC)]) == 1
    out = capsys.readouterr().out
    assert f"{RESULTS}: parameter allowRedirect: removed: spec query, boolean, optional\n" in out
    assert f"{RELATED}: operation removed: spec POST /api/v2/audits/query/realtime/related\n" in out
