"""generate / check end to end: drift detection, bad input, reproducibility."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import settings

REPO = settings.REPO_ROOT


def run_generator(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in p.as_posix()
    }


@pytest.fixture
def committed_copy(tmp_path: Path) -> Path:
    """A copy of the committed generated/ tree to tamper with."""
    copy = tmp_path / "generated"
    shutil.copytree(settings.GENERATED_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    return copy


def test_check_passes_on_the_committed_tree() -> None:
    result = run_generator("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def _hand_edit(package: Path) -> None:
    target = package / "models" / "limit.py"
    target.write_text(target.read_text() + "# hand edit\n")


@pytest.mark.parametrize(
    ("change", "in_stdout", "in_stderr"),
    [
        (_hand_edit, ["genesys_cloud_audit/models/limit.py", "-# hand edit"], ""),
        (
            lambda package: (package / "stray.py").write_text("x = 1\n"),
            ["a/generated/genesys_cloud_audit/stray.py"],
            "1 extra",
        ),
        (
            lambda package: (package / "models" / "detail.py").unlink(),
            ["b/generated/genesys_cloud_audit/models/detail.py"],
            "1 missing",
        ),
    ],
    ids=["a hand edit", "an added file", "a deleted file"],
)
def test_check_reports_a_change_as_a_diff(
    committed_copy: Path, change: Callable[[Path], object], in_stdout: list[str], in_stderr: str
) -> None:
    change(committed_copy / "genesys_cloud_audit")
    result = run_generator("check", "--output", str(committed_copy))
    assert result.returncode == 1
    assert all(text in result.stdout for text in in_stdout), result.stdout
    assert in_stderr in result.stderr


def test_generate_replaces_the_tree_whole_and_removes_stale_files(committed_copy: Path) -> None:
    (committed_copy / "genesys_cloud_audit" / "stale_module.py").write_text("x = 1\n")
    result = run_generator("generate", "--output", str(committed_copy))
    assert result.returncode == 0, result.stderr
    assert not (committed_copy / "genesys_cloud_audit" / "stale_module.py").exists()
    assert tree_digest(committed_copy) == tree_digest(settings.GENERATED_DIR)


def test_output_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    digests = []
    for seed in ("0", "12345"):
        out = tmp_path / f"seed-{seed}"
        result = run_generator("generate", "--output", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]
    assert digests[0] == tree_digest(settings.GENERATED_DIR)


def test_parent_ruff_config_does_not_change_the_output(tmp_path: Path) -> None:
    # A hostile ruff config in a parent folder of the output must be ignored.
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "ruff.toml").write_text('line-length = 40\n[format]\nquote-style = "single"\n')
    out = parent / "generated"
    result = run_generator("generate", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert tree_digest(out) == tree_digest(settings.GENERATED_DIR)


def test_every_generated_python_file_carries_the_header() -> None:
    files = list(settings.GENERATED_DIR.rglob("*.py"))
    assert files
    for path in files:
        assert path.read_text().startswith(settings.HEADER), path


def test_provenance_records_inputs_and_versions_without_timestamps() -> None:
    import json

    record = json.loads((settings.GENERATED_DIR / settings.PROVENANCE_FILE).read_text())
    assert record["versions"] == settings.PINNED_VERSIONS
    spec_hash = hashlib.sha256(settings.SPEC_FILE.read_bytes()).hexdigest()
    assert record["inputs"]["spec/audit-api.yaml"] == spec_hash
    assert any(name.startswith("templates/") for name in record["inputs"])
    assert any(name.startswith("runtime/") for name in record["inputs"])
    assert set(record) == {"generator", "versions", "inputs"}
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:", json.dumps(record))
