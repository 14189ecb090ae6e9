"""IgnoreRules answers as git does: checked against `git check-ignore` on the same file and paths."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator import settings
from generator.output.gitignore import IgnoreRules

EXTRA_PATTERNS = [
    "*.py[cod]",
    "/anchored.txt",
    "docs/*.md",
    "!docs/keep.md",
    "**/deep",
    "a/**/b",
    "logs/**",
    "\\#literal",
    "trailing\\ ",
    "[!x]y.tmp",
    "only_dir/",
    "",
    "# a comment",
]

# (path, is a folder)
PATHS = [
    ("__pycache__", True),
    ("genesys_cloud_audit/__pycache__", True),
    ("__pycache__", False),  # a file of that name: `__pycache__/` names folders only
    ("genesys_cloud_audit.egg-info", True),
    ("x.egg-info", False),
    ("build", True),
    ("genesys_cloud_audit/build", True),
    ("dist", True),
    (".venv", True),
    (".venv", False),
    ("pkg/.env", False),
    ("coverage.xml", False),
    ("pkg/coverage.xml", False),
    (".coverage", False),
    ("module.pyc", False),
    ("pkg/module.pyo", False),
    ("pkg/module.py", False),
    ("anchored.txt", False),
    ("pkg/anchored.txt", False),
    ("docs/readme.md", False),
    ("docs/keep.md", False),
    ("docs/sub/readme.md", False),
    ("deep", False),
    ("x/y/deep", True),
    ("a/b", False),
    ("a/x/y/b", False),
    ("a/xb", False),
    ("logs/today/app.log", False),
    ("logs", True),
    ("#literal", False),
    ("trailing ", False),
    ("ay.tmp", False),
    ("xy.tmp", False),
    ("only_dir", True),
    ("only_dir", False),
    ("README.md", False),
    ("genesys_cloud_audit/client.py", False),
    (".mypy_cache", True),
    (".idea", True),
]


def _ignored(rules: IgnoreRules, path: str, is_dir: bool) -> bool:
    """As git judges it: the entry, or any folder above it, is ignored."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if rules.ignores("/".join(parts[:depth]), is_dir=True):
            return True
    return rules.ignores(path, is_dir=is_dir)


def _git_verdicts(repo: Path, ignore_file: str, paths: list[tuple[str, bool]]) -> dict[str, bool]:
    """git's answer for each path, created on disk (as a file or a folder) so that git sees what it is."""
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text(ignore_file)
    for path, is_dir in paths:
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        if is_dir:
            (repo / path).mkdir(exist_ok=True)
        else:
            (repo / path).write_text("")
    result = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin"],
        input="\n".join(path for path, _ in paths) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    verdicts = {}
    for line in result.stdout.splitlines():
        source, path = line.split("\t", 1)
        pattern = source.split(":", 2)[2]  # "" for a path no pattern matches
        verdicts[path] = bool(pattern) and not pattern.startswith("!")
    return verdicts


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git as the reference implementation")
def test_matches_git_check_ignore(tmp_path: Path) -> None:
    ignore_file = "\n".join((settings.GENERATED_DIR / ".gitignore").read_text().splitlines() + EXTRA_PATTERNS) + "\n"
    rules = IgnoreRules(ignore_file.splitlines())
    for kind in (True, False):  # folders and files in separate repositories: some names are both
        paths = [(path, is_dir) for path, is_dir in PATHS if is_dir == kind]
        verdicts = _git_verdicts(tmp_path / f"dirs-{kind}", ignore_file, paths)
        assert len(verdicts) == len(paths)
        assert any(verdicts.values()) and not all(verdicts.values())
        for path, is_dir in paths:
            assert _ignored(rules, path, is_dir) == verdicts[path], (path, is_dir)


def test_the_generated_ignore_file_names_the_usual_by_products() -> None:
    rules = IgnoreRules.read(settings.GENERATED_DIR / ".gitignore")
    assert rules.ignores("genesys_cloud_audit/__pycache__", is_dir=True)
    assert rules.ignores("genesys_cloud_audit.egg-info", is_dir=True)
    assert not rules.ignores("genesys_cloud_audit/client.pyc", is_dir=False)  # not named: check reports it
    assert not rules.ignores("genesys_cloud_audit/client.py", is_dir=False)


def test_a_missing_or_linked_file_has_no_rules(tmp_path: Path) -> None:
    assert not IgnoreRules.read(tmp_path / ".gitignore")
    (tmp_path / "real").write_text("*\n")
    (tmp_path / ".gitignore").symlink_to(tmp_path / "real")
    assert not IgnoreRules.read(tmp_path / ".gitignore")
