"""Replay the .NET reference page's history as releases: docs-diff --fix, generate, release, each revision.

The spec starts as the real one brought to the first page (74.0.0) with ``docs-diff --fix --write`` and
is released as 0.1.0; each later revision is followed with --fix, generated and released. The package
is built with the platform layer only (the audit workflows need operations the early pages lack).
Then a parameter is removed by hand: a breaking release that both diffs catch. Skipped without
``../shared``. About 30 builds: the slowest test of the generator's.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import settings
from generator.cli import main
from generator.docs_diff import main as docs_diff
from generator.inputs.files import Inputs
from generator.release import Level
from generator.release._release import plan_release
from tests.generator.docs_history import pages

pytestmark = pytest.mark.slow  # about 30 builds

REPO = settings.REPO_ROOT

# The release each revision makes (None: the revision changed only in form, so there is nothing to release),
# and what its changelog must name.
EXPECTED: dict[str, tuple[str | None, str]] = {
    "74.0.0": ("0.1.0", "First release: 3 operation(s)"),
    "81.0.0": ("0.2.0", "argument `expand` (query parameter `expand`) added (optional)"),
    "87.0.0": ("0.2.1", "required permissions changed"),
    "92.0.0": ("0.3.0", "`get_audits_query_servicemapping` (GET /api/v2/audits/query/servicemapping)"),
    "95.0.0": ("0.4.0", "`post_audits_query_realtime` (POST /api/v2/audits/query/realtime)"),
    "112.0.0": (
        "0.5.0",
        "`get_audits_query_realtime_servicemapping` (GET /api/v2/audits/query/realtime/servicemapping)",
    ),
    "113.0.0": ("0.5.1", "summary now reads \u201cGet service mapping information used in realtime audits.\u201d"),
    "125.0.1": (None, ""),
    "127.0.0": ("0.5.2", "summary now reads \u201cThis endpoint will only retrieve 14 days worth of audits"),
    "171.0.0": ("0.5.3", "argument `page_size` (query parameter `pageSize`): description changed"),
    "174.0.0": ("0.5.4", "`post_audits_query` (POST /api/v2/audits/query): notes changed"),
    "177.0.0": (None, ""),
    "180.0.0": (None, ""),
    "203.0.0": ("0.6.0", "`post_audits_query_realtime_related` (POST /api/v2/audits/query/realtime/related): Often"),
    "210.0.0": ("0.7.0", "argument `allow_redirect` (query parameter `allowRedirect`) added (optional)"),
    "270.0.0": (None, ""),
}


def _run(*argv: str) -> None:
    assert main(list(argv)) == 0, argv


def test_replay_the_dotnet_history_as_releases(
    shared_docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = pages(shared_docs, "dotnet")
    assert [p.stem for p in history] == list(EXPECTED)
    spec, out = tmp_path / "audit-api.yaml", tmp_path / "out"
    shutil.copyfile(REPO / "spec" / "audit-api.yaml", spec)
    config = (REPO / "spec" / "audit-api.toml").read_text(encoding="utf-8")
    config = re.sub(r"layers = \[.*\]", 'layers = ["genesys"]', config)
    config = re.sub(r'(?m)^version = ".*"$', 'version = "0.1.0"', config)  # the history starts anew
    (tmp_path / "audit-api.toml").write_text(config)
    links = (REPO / "spec" / "audit-api.changelog.toml").read_text(encoding="utf-8").split("[[release]]")[0]
    (tmp_path / "audit-api.changelog.toml").write_text(links, encoding="utf-8")
    paths = ["--spec", str(spec), "--output", str(out)]
    versions, lines = [], {}
    for page in history:
        assert docs_diff([str(page), "--spec", str(spec), "--fix", "--write"]) == 0, page
        _run("generate", *paths)
        capsys.readouterr()
        _run("release", *paths, "--docs", str(page), "--date", "2026-12-06")
        said = capsys.readouterr().out
        version, names = EXPECTED[page.stem]
        if version is None:
            assert said.startswith("nothing to release"), (page, said)
            continue
        assert said.startswith(f"released {version} "), (page, said)
        assert names in said, (page, said)
        versions.append(version)
        lines[version] = said
    assert versions == [v for v, _ in EXPECTED.values() if v]
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    for version in versions:
        assert f"## [{version}] - 2026-12-06" in changelog
    assert (
        "[0.7.0]: https://github.com/MyPureCloud/platform-client-sdk-dotnet/blob/210.0.0/build/docs/AuditApi.md"
        in changelog
    )
    # The features and the patch the issue names, by level.
    assert "wire: feature" in lines["0.6.0"] and "wire: feature" in lines["0.7.0"]
    assert "wire: patch, Python API: no change" in lines["0.5.2"]
    _run("check", *paths)

    # A deliberately breaking step: the results operation loses its pageSize parameter.
    text = spec.read_text(encoding="utf-8")
    cursor = re.search(r"\n        - name: pageSize\n(?:          .*\n)+", text)
    assert cursor is not None
    spec.write_text(text.replace(cursor.group(0), "\n"), encoding="utf-8")
    _run("generate", *paths)
    outcome = plan_release(Inputs(spec=spec), out)
    assert outcome.wire_level is Level.BREAKING
    assert outcome.python_level is Level.BREAKING
    assert any("no longer takes `page_size`" in c.text for c in outcome.python)
    assert any("argument `page_size` (query parameter `pageSize`) removed" in c.text for c in outcome.wire)
    capsys.readouterr()
    _run("release", *paths, "--commit", "c" * 40, "--date", "2026-12-07")
    said = capsys.readouterr().out
    assert said.startswith("released 0.8.0 (was 0.7.0; wire: breaking, Python API: breaking)"), said
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.8.0 - 2026-12-07\n\nFollows commit cccccccccccc. **Breaking:**" in changelog
    assert "- **Breaking:** `get_audits_query_transaction_id_results`" in changelog
    print(changelog)  # shown with -s: the replay's changelog
