"""The generation pipeline: check inputs, render, assemble, then swap generated/ in whole."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import settings
from generator.assemble import (
    check_pinned_versions,
    format_tree,
    overlay_runtime,
    stamp_headers,
    write_provenance,
)
from generator.compare import TreeDiff, diff_trees
from generator.render import render_client
from generator.spec_check import check_spec
from generator.templates_check import check_templates

__all__ = ["Inputs", "build_tree", "check", "generate"]


@dataclass(frozen=True)
class Inputs:
    """Everything the generated tree is a function of (with the pinned tool versions)."""

    spec: Path = settings.SPEC_FILE
    templates: Path = settings.TEMPLATES_DIR
    runtime: Path = settings.RUNTIME_DIR
    config: Path = settings.CONFIG_FILE
    ruff_config: Path = settings.RUFF_CONFIG

    @property
    def overrides(self) -> Path:
        return self.templates / "OVERRIDES.toml"


def build_tree(inputs: Inputs, output: Path) -> None:
    """Builds the complete client in `output` (which must not exist yet)."""
    check_pinned_versions()
    document = check_spec(inputs.spec)
    check_templates(inputs.templates, inputs.overrides)
    render_client(inputs.spec, document, inputs.templates, inputs.config, output)
    package = output / settings.PACKAGE_NAME
    overlay_runtime(inputs.runtime / settings.PACKAGE_NAME, package)
    format_tree(output, inputs.ruff_config)
    stamp_headers(output)
    write_provenance(
        output,
        spec=inputs.spec,
        config=inputs.config,
        ruff_config=inputs.ruff_config,
        templates=inputs.templates,
        runtime=inputs.runtime,
    )


def generate(inputs: Inputs, target: Path) -> TreeDiff:
    """Regenerates `target` (replaced whole, only after a complete build); returns what changed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".generate-", dir=target.parent) as scratch:
        fresh = Path(scratch) / "tree"
        build_tree(inputs, fresh)
        changes = diff_trees(target, fresh)
        if target.exists():
            retired = Path(scratch) / "previous"
            target.rename(retired)
            try:
                fresh.rename(target)
            except OSError:
                retired.rename(target)
                raise
        else:
            fresh.rename(target)
    return changes


def check(inputs: Inputs, target: Path) -> TreeDiff:
    """Builds a fresh tree in a temporary folder and compares it with `target`."""
    with tempfile.TemporaryDirectory(prefix="genesys-audit-check-") as scratch:
        fresh = Path(scratch) / "tree"
        build_tree(inputs, fresh)
        return diff_trees(target, fresh)
