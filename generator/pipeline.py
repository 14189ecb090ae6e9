"""The generation pipeline: check inputs, render, assemble, then swap generated/ in whole."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import settings
from generator.api_config import load_api_config
from generator.assemble import (
    check_pinned_versions,
    format_tree,
    place_layers,
    stamp_headers,
    write_provenance,
)
from generator.compare import TreeDiff, diff_trees
from generator.layers import load_layers
from generator.package_files import write_package_files
from generator.package_plan import plan_package
from generator.render import render_client
from generator.spec import load_spec
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
    document = load_spec(inputs.spec)
    api = load_api_config(inputs.spec, document.data)
    checked = check_spec(document, ignore_extensions=api.ignore_extensions)
    layers = load_layers(inputs.runtime, list(api.layers))
    plan = plan_package(api, layers, checked.data)
    check_templates(inputs.templates, inputs.overrides)
    rendered = render_client(checked, inputs.templates, inputs.config, plan, output)
    place_layers(layers, output / plan.package)
    write_package_files(plan, rendered, inputs.templates, output)
    format_tree(output, inputs.ruff_config)
    stamp_headers(output)
    configs = [api.source] if api.source else []
    write_provenance(
        output,
        inputs=[inputs.spec, *configs, inputs.config, inputs.ruff_config],
        templates=inputs.templates,
        layers=layers,
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
    with tempfile.TemporaryDirectory(prefix="generator-check-") as scratch:
        fresh = Path(scratch) / "tree"
        build_tree(inputs, fresh)
        return diff_trees(target, fresh)
