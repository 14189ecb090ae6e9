"""diff_trees: every difference counts except what the fresh tree's .gitignore names; links are never followed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.output.tree_diff import diff_trees

IGNORE_FILE = "__pycache__/\n*.egg-info/\nbuild/\n/coverage.xml\n"


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    fresh = tmp_path / "fresh"
    (fresh / "pkg" / "models").mkdir(parents=True)
    (fresh / ".gitignore").write_text(IGNORE_FILE)
    (fresh / "pkg" / "__init__.py").write_text("from .models import Model\n")
    (fresh / "pkg" / "models" / "model.py").write_text("class Model:\n    pass\n")
    (fresh / "pkg" / "py.typed").write_text("")
    committed = tmp_path / "committed"
    shutil.copytree(fresh, committed)
    return committed, fresh


def test_identical_trees_are_clean(trees: tuple[Path, Path]) -> None:
    assert diff_trees(*trees).clean


def test_by_products_the_ignore_file_names_are_not_compared(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "__pycache__").mkdir()
    (committed / "pkg" / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"\x00bytecode")
    (committed / "pkg.egg-info").mkdir()
    (committed / "pkg.egg-info" / "PKG-INFO").write_text("Name: pkg\n")
    (committed / "build" / "lib").mkdir(parents=True)
    (committed / "build" / "lib" / "copy.py").write_text("x = 1\n")
    (committed / "coverage.xml").write_text("<coverage/>\n")
    assert diff_trees(committed, fresh).clean


def test_a_stray_pyc_beside_the_sources_is_extra(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "models" / "model.pyc").write_bytes(b"\x00stale")
    changes = diff_trees(committed, fresh)
    assert changes.removed == ["pkg/models/model.pyc"]
    assert "Binary files a/generated/pkg/models/model.pyc and /dev/null differ" in changes.patch


def test_an_anchored_pattern_exempts_only_the_top_level(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "coverage.xml").write_text("<coverage/>\n")
    assert diff_trees(committed, fresh).removed == ["pkg/coverage.xml"]


def test_the_execute_bit_counts_but_read_and_write_bits_do_not(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    model = committed / "pkg" / "models" / "model.py"
    model.chmod(0o664)  # another umask: git records nothing of it
    assert diff_trees(committed, fresh).clean
    model.chmod(0o755)
    changes = diff_trees(committed, fresh)
    assert changes.modes == ["pkg/models/model.py"]
    assert not changes.changed
    assert "old mode 100755\nnew mode 100644\n" in changes.patch


def test_setuid_counts(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "__init__.py").chmod(0o4644)
    assert diff_trees(committed, fresh).modes == ["pkg/__init__.py"]


def test_a_link_is_compared_as_a_link_never_read_through(trees: tuple[Path, Path], tmp_path: Path) -> None:
    committed, fresh = trees
    secret = tmp_path / "outside.txt"
    secret.write_text("SECRET CONTENT\n")
    model = committed / "pkg" / "models" / "model.py"
    model.unlink()
    model.symlink_to(secret)
    changes = diff_trees(committed, fresh)
    assert changes.changed == ["pkg/models/model.py"]
    assert f"-<symbolic link to '{secret.as_posix()}'>" in changes.patch
    assert "SECRET" not in changes.patch


def test_a_linked_folder_is_not_entered(trees: tuple[Path, Path], tmp_path: Path) -> None:
    committed, fresh = trees
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big.py").write_text("x = 1\n")
    (committed / "pkg" / "linked").symlink_to(outside, target_is_directory=True)
    assert diff_trees(committed, fresh).removed == ["pkg/linked"]


def test_a_fifo_is_not_a_regular_file(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    os.mkfifo(committed / "pkg" / "pipe")
    changes = diff_trees(committed, fresh)  # must not block reading it
    assert changes.removed == ["pkg/pipe"]
    assert "-<not a regular file>" in changes.patch


def test_binary_content_is_said_to_differ(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "py.typed").write_bytes(b"\xff\xfe\x00")
    changes = diff_trees(committed, fresh)
    assert changes.changed == ["pkg/py.typed"]
    assert "Binary files a/generated/pkg/py.typed and b/generated/pkg/py.typed differ\n" in changes.patch


def test_missing_and_text_changes_make_a_patch_git_can_apply(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (committed / "pkg" / "models" / "model.py").write_text("class Model:\n    edited = True\n")
    (committed / "pkg" / "py.typed").unlink()
    changes = diff_trees(committed, fresh, label="tree")
    assert changes.changed == ["pkg/models/model.py"]
    assert changes.added == ["pkg/py.typed"]
    assert "-    edited = True\n+    pass\n" in changes.patch
    assert "diff --git a/tree/pkg/py.typed b/tree/pkg/py.typed\nnew file mode 100644\n" in changes.patch


def test_without_an_ignore_file_nothing_is_exempt(trees: tuple[Path, Path]) -> None:
    committed, fresh = trees
    (fresh / ".gitignore").unlink()
    (committed / ".gitignore").unlink()
    (committed / "pkg" / "__pycache__").mkdir()
    (committed / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"\x00")
    assert diff_trees(committed, fresh).removed == ["pkg/__pycache__/x.pyc"]


def test_an_absent_tree_is_all_missing(trees: tuple[Path, Path], tmp_path: Path) -> None:
    _, fresh = trees
    changes = diff_trees(tmp_path / "absent", fresh)
    assert changes.added == [".gitignore", "pkg/__init__.py", "pkg/models/model.py", "pkg/py.typed"]
