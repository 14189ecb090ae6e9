"""What generate accepts as --output, and what it keeps there (the refusals are in test_hostile_inputs)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator import settings
from generator.output.tree_diff import diff_trees
from tests.support.generator_runs import copy_generation, run_generate, snapshot

REPO = settings.REPO_ROOT


def generate(output: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_generate("--output", output, cwd=cwd)


def generated_files(root: Path) -> dict[str, tuple[str, int, str]]:
    """The snapshot without the root entry, comparable across locations."""
    return {name: entry for name, entry in snapshot(root).items() if name != "."}


def assert_is_the_committed_tree(root: Path) -> None:
    """Byte for byte and mode for mode, by-products aside (diff_trees is tested on its own)."""
    changes = diff_trees(settings.GENERATED_DIR, root)
    assert changes.clean, changes.patch


def test_a_new_folder_given_relatively_with_a_trailing_slash(tmp_path: Path) -> None:
    result = generate("client/", tmp_path)
    assert result.returncode == 0, result.stderr
    assert_is_the_committed_tree(tmp_path / "client")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client"]  # no temporary folder left


def test_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "client").mkdir()
    result = generate(str(tmp_path / "client"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_is_the_committed_tree(tmp_path / "client")


def test_by_products_of_a_previous_generation_are_kept(tmp_path: Path) -> None:
    previous = tmp_path / "generated"
    copy_generation(previous)
    (previous / "genesys_cloud_audit.egg-info").mkdir()
    (previous / "genesys_cloud_audit.egg-info" / "PKG-INFO").write_text("Name: genesys-cloud-audit\n")
    (previous / ".venv" / "bin").mkdir(parents=True)
    (previous / ".venv" / "bin" / "python").write_text("#!/bin/sh\n")
    (previous / ".venv" / "bin" / "python").chmod(0o755)
    (previous / ".env").write_text("GENESYSCLOUD_OAUTHCLIENT_SECRET=kept\n")
    (previous / "genesys_cloud_audit" / "__pycache__").mkdir()
    (previous / "genesys_cloud_audit" / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\x00")
    kept = {
        name: entry
        for name, entry in generated_files(previous).items()
        if name.startswith(("./genesys_cloud_audit.egg-info", "./.venv", "./.env", "./genesys_cloud_audit/__pycache__"))
    }
    (previous / "genesys_cloud_audit" / "stale_module.py").write_text("x = 1\n")  # generate owns the package

    result = generate(str(previous), tmp_path)

    assert result.returncode == 0, result.stderr
    assert "1 removed" in result.stdout
    assert not (previous / "genesys_cloud_audit" / "stale_module.py").exists()
    assert {name: generated_files(previous)[name] for name in kept} == kept
    assert_is_the_committed_tree(previous)


def test_links_inside_a_previous_generation_are_removed_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("do not delete\n")
    (victim / "file.py").write_text("x = 1\n")
    before = snapshot(victim)
    previous = tmp_path / "generated"
    copy_generation(previous)
    (previous / "genesys_cloud_audit" / "models" / "linked_folder").symlink_to(victim, target_is_directory=True)
    types = previous / "genesys_cloud_audit" / "types.py"
    types.unlink()
    types.symlink_to(victim / "file.py")
    (previous / ".venv").symlink_to(victim, target_is_directory=True)  # a by-product: kept, as a link

    result = generate(str(previous), tmp_path)

    assert result.returncode == 0, result.stderr
    assert snapshot(victim) == before
    assert not (previous / "genesys_cloud_audit" / "models" / "linked_folder").exists()
    assert not types.is_symlink()
    assert (previous / ".venv").is_symlink()
    assert os.readlink(previous / ".venv") == str(victim)


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    assert generate("client", tmp_path).returncode == 0
    first = snapshot(tmp_path / "client")
    result = generate("client", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no change" in result.stdout
    assert generated_files(tmp_path / "client") == {k: v for k, v in first.items() if k != "."}
