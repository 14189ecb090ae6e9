"""`generate --layers-only`: the development loop for runtime/. An edit under runtime/ reaches the generated
package in about a second, without rendering the spec again.

The previous generation is copied into a scratch folder, its layer folders are replaced by the runtime's
files (formatted, stamped and recorded in PROVENANCE.json exactly as a full build does), every name is
checked, and the result is swapped in. It refuses when anything but the layers changed since that
generation (the spec, a template, the generator's configuration or its pinned versions): only a full
`generate` renders those. `check` still proves the result, in CI as anywhere: a full build must equal it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.inputs.api_config import load_api_config
from generator.inputs.files import Inputs
from generator.inputs.imports import package_dependencies
from generator.inputs.layer_imports import check_layer_imports
from generator.inputs.layers import Layer, load_layers
from generator.output.assemble import format_tree, provenance, stamp_headers
from generator.output.target import inspect_previous, inspect_target, remove_tree, replace_tree
from generator.output.tree_diff import TreeDiff, diff_trees
from generator.release._records import changelog_path
from generator.settings import PROVENANCE_FILE
from generator.spec import load_spec
from generator.verify.origins import Places
from generator.verify.tree import check_names

__all__ = ["generate_layers"]


def generate_layers(inputs: Inputs, target: Path) -> TreeDiff:
    """Replaces the runtime layers of the generation at `target`; returns what changed."""
    place = inspect_target(target, inputs.paths)
    if place.objection is not None:
        raise place.objection
    if place.state != "generation":
        raise GenerationError("--layers-only updates a previous generation; run a full generate first", file=target)
    document = load_spec(inputs.spec)
    api = load_api_config(document, needed=package_dependencies(inputs.runtime, inputs.templates))
    layers = load_layers(inputs.runtime, list(api.layers))
    check_layer_imports(layers)
    configs = [api.source] if api.source else []
    history = changelog_path(inputs.spec)  # the release history CHANGELOG.md is written from
    configs += [history] if history.exists() else []
    record = provenance(
        inputs=[inputs.spec, *configs, inputs.config, inputs.ruff_config], templates=inputs.templates, layers=layers
    )
    _refuse_other_changes(place.path, record, layers)
    scratch = Path(tempfile.mkdtemp(prefix=".generate-", dir=place.path.parent))
    keep = False
    try:
        fresh = scratch / "tree"
        shutil.copytree(place.path, fresh, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        package = fresh / api.package
        for layer in layers:
            folder = package / layer.package
            shutil.rmtree(folder, ignore_errors=True)
            for source in layer.files():
                copy = folder / source.relative_to(layer.folder)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
        format_tree(fresh, inputs.ruff_config)
        for layer in layers:
            stamp_headers(fresh, only=package / layer.package)
        (fresh / PROVENANCE_FILE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        check_names(Places(fresh, place.path, inputs.templates, inputs.runtime))
        objection, by_products = inspect_previous(place, fresh)
        if objection is not None:
            raise objection
        changes = diff_trees(place.path, fresh, label=place.path.name)
        if changes.clean:
            return changes
        stranded = replace_tree(fresh, place.path, scratch / "previous", by_products)
        if stranded:
            keep = True
            raise GenerationError(
                f"the new tree is in place, but {len(stranded)} by-products of the old one could not be moved into "
                f"it (first {stranded[0]}); they are kept in {scratch / 'previous'}",
                file=target,
            )
    finally:
        if not keep:
            remove_tree(scratch)
    return changes


def _refuse_other_changes(tree: Path, record: dict[str, Any], layers: list[Layer]) -> None:
    """Only layer files (and their manifests) may differ from what the previous generation was built from."""
    try:
        previous = json.loads((tree / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GenerationError(f"cannot read {PROVENANCE_FILE}; run a full generate", file=tree) from None
    if previous.get("versions") != record["versions"]:
        raise GenerationError(
            "the pinned tool versions changed since the last generation; run a full generate", file=tree
        )
    layer_roots = tuple(f"{layer.folder.parent.name}/{layer.folder.name}/" for layer in layers)
    before = {name: digest for name, digest in previous.get("inputs", {}).items() if not _in_layer(name, layer_roots)}
    now = {name: digest for name, digest in record["inputs"].items() if not _in_layer(name, layer_roots)}
    changed = sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))
    if changed:
        raise GenerationError(
            f"{changed[0]} changed since the last generation (it is not part of a runtime layer); run a full generate",
            file=tree,
        )


def _in_layer(name: str, layer_roots: tuple[str, ...]) -> bool:
    return any(name.startswith(root) or f"/{root}" in name for root in layer_roots)
