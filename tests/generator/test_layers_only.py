"""generate --layers-only: a runtime edit reaches the generated package without a full build, and the result is
exactly what a full build gives (check agrees); anything else that changed is refused, and nothing is touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import settings
from tests.support.generator_runs import PACKAGE, REPO, copy_generation, snapshot


def _command(command: str, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", command, *map(str, arguments)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """Copies of the spec (with its config), templates and runtime, and a copy of the committed generation."""
    spec = tmp_path / "inputs" / "audit-api.yaml"
    spec.parent.mkdir()
    shutil.copyfile(settings.SPEC_FILE, spec)
    shutil.copyfile(settings.SPEC_FILE.with_suffix(".toml"), spec.with_suffix(".toml"))
    for record in (".changelog.toml", ".released.json"):  # the release records: CHANGELOG.md, check's release step
        shutil.copyfile(settings.SPEC_FILE.with_suffix(record), spec.with_suffix(record))
    templates = tmp_path / "inputs" / "templates"
    shutil.copytree(settings.TEMPLATES_DIR, templates)
    runtime = tmp_path / "inputs" / "runtime"
    shutil.copytree(settings.RUNTIME_DIR, runtime, ignore=shutil.ignore_patterns("__pycache__"))
    output = tmp_path / "generated"
    copy_generation(output)
    # The copy of the inputs lives elsewhere, so its provenance names them by another path: one full build first.
    result = _command("generate", "--spec", spec, "--templates", templates, "--runtime", runtime, "--output", output)
    assert result.returncode == 0, result.stderr
    return spec, templates, runtime, output


def _options(spec: Path, templates: Path, runtime: Path, output: Path) -> list[str | Path]:
    return ["--spec", spec, "--templates", templates, "--runtime", runtime, "--output", output]


def test_a_runtime_edit_lands_as_a_full_build_would_land_it(inputs: tuple[Path, Path, Path, Path]) -> None:
    spec, templates, runtime, output = inputs
    limits = runtime / "audit" / "_limits.py"
    limits.write_text(limits.read_text() + "\nEDITED_FOR_THE_TEST = 1\n")
    result = _command("generate", "--layers-only", *_options(spec, templates, runtime, output))
    assert result.returncode == 0 and "(runtime layers only): 2 changed" in result.stdout, result.stderr
    assert "EDITED_FOR_THE_TEST = 1" in (output / PACKAGE / "workflows" / "_limits.py").read_text()
    check = _command("check", *_options(spec, templates, runtime, output))
    # The tree is the one a full build makes (no diff); only its release is still to be recorded.
    assert check.stdout == "" and "differs from a fresh build" not in check.stderr, check.stdout + check.stderr
    assert "not released" in check.stderr, check.stderr


def test_a_template_change_needs_a_full_build(inputs: tuple[Path, Path, Path, Path]) -> None:
    spec, templates, runtime, output = inputs
    (templates / "waiter.py.jinja").write_text((templates / "waiter.py.jinja").read_text() + "\n")
    before = snapshot(output)
    result = _command("generate", "--layers-only", *_options(spec, templates, runtime, output))
    assert result.returncode == 2
    assert (
        "waiter.py.jinja changed since the last generation (it is not part of a runtime layer); run a full generate"
        in (result.stderr)
    ), result.stderr
    assert snapshot(output) == before


def test_a_layer_breaking_the_import_rule_is_refused_and_nothing_changes(inputs: tuple[Path, Path, Path, Path]) -> None:
    spec, templates, runtime, output = inputs
    path = runtime / "core" / "_client.py"
    path.write_text(path.read_text() + "\nfrom ..workflows import _bulk\n")
    before = snapshot(output)
    result = _command("generate", "--layers-only", *_options(spec, templates, runtime, output))
    assert result.returncode == 2 and "which layer 'core' does not require" in result.stderr, result.stderr
    assert f"{path}:" in result.stderr
    assert snapshot(output) == before


def test_only_a_previous_generation_is_updated(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _command("generate", "--layers-only", "--output", empty)
    assert result.returncode == 2 and "updates a previous generation; run a full generate first" in result.stderr
