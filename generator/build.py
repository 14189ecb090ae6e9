"""Building a client tree: check the inputs, plan the package, render, place the layers, format, stamp.

`build_tree` is the whole build, deterministic and in one folder; generate and check (pipeline.py)
run it in a scratch folder, verify the result and compare or swap it in.
"""

from __future__ import annotations

from pathlib import Path

from generator.inputs.api_config import load_api_config
from generator.inputs.files import Inputs
from generator.inputs.imports import package_dependencies
from generator.inputs.layer_imports import check_layer_imports
from generator.inputs.layers import load_layers
from generator.inputs.openapi_schema import SchemaCheck
from generator.inputs.spec_check import check_spec
from generator.inputs.templates_check import check_templates
from generator.notices import Notices
from generator.output.assemble import check_pinned_versions, format_tree, place_layers, stamp_headers, write_provenance
from generator.output.bidi import escape_bidi_controls
from generator.plan.package_plan import plan_package
from generator.release._changelog import write_changelog
from generator.render.package_files import write_package_files
from generator.render.upstream import render_client
from generator.spec import load_spec

__all__ = ["build_tree"]


def build_tree(
    inputs: Inputs, output: Path, notices: Notices | None = None, schema_check: SchemaCheck | None = None
) -> Notices:
    """Builds the complete client in `output` (which must not exist yet); returns what the user should be told
    (`notices`, when given, collects it as the build goes, so that it is there even when the build fails)."""
    check_pinned_versions()
    notices = notices if notices is not None else Notices(strict=inputs.strict)
    document = load_spec(inputs.spec)
    api = load_api_config(document, notices, needed=package_dependencies(inputs.runtime, inputs.templates))
    checked = check_spec(document, ignore_extensions=api.ignore_extensions, notices=notices, schema_check=schema_check)
    layers = load_layers(inputs.runtime, list(api.layers))
    plan = plan_package(api, layers, checked.data)
    check_templates(inputs.templates, inputs.overrides)
    rendered = render_client(checked, inputs.templates, inputs.config, plan, output, notices)
    place_layers(layers, output / plan.package)
    check_layer_imports(layers)  # after the layers found their places: a layer landing on a module says so first
    write_package_files(plan, rendered, inputs.templates, output)
    history = write_changelog(inputs.spec, output, plan.distribution)  # CHANGELOG.md from the release history
    layer_folders = [output / plan.package / layer.package for layer in layers]
    escape_bidi_controls(p for p in sorted(output.rglob("*.py")) if not any(p.is_relative_to(f) for f in layer_folders))
    format_tree(output, inputs.ruff_config)
    stamp_headers(output)
    configs = [api.source] if api.source else []
    configs += [history] if history else []
    write_provenance(
        output,
        inputs=[inputs.spec, *configs, inputs.config, inputs.ruff_config],
        templates=inputs.templates,
        layers=layers,
    )
    return notices
