"""Completes a rendered tree: places the runtime layers, formats with the pinned ruff, stamps the header,
and records provenance. Everything here is deterministic: no timestamps, sorted walks."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.inputs.layers import Layer
from generator.settings import HEADER, PINNED_VERSIONS, PROVENANCE_FILE, PROVENANCE_GENERATOR, REPO_ROOT, ruff_command

__all__ = [
    "check_pinned_versions",
    "format_tree",
    "place_layers",
    "provenance",
    "stamp_headers",
    "write_provenance",
]


def check_pinned_versions() -> None:
    for package, pinned in PINNED_VERSIONS.items():
        installed = version(package)
        if installed != pinned:
            raise GenerationError(
                f"{package} {installed} is installed but the generator is pinned to {pinned}; "
                f"run `pip install {package}=={pinned}` (output is only reproducible with the pinned version)"
            )


def place_layers(layers: list[Layer], package: Path) -> None:
    """Copies each layer's files into its folder of the package, refusing to overwrite a rendered file."""
    for layer in layers:
        target_dir = package / layer.package
        for taken in (target_dir, target_dir.with_suffix(".py")):
            if taken.exists():
                raise GenerationError(
                    f"layer {layer.name!r} would land on the generated {package.name}/{taken.name}; "
                    "rename its package in layer.toml",
                    file=layer.folder / "layer.toml",
                )
        for source in layer.files():
            target = target_dir / source.relative_to(layer.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


# ruff's report of a file it cannot parse: `error: Failed to parse pkg/a.py:2:1: unexpected EOF`
_RUFF_PARSE_ERROR = re.compile(r"Failed to parse (?P<file>.+?):(?P<line>\d+):\d+: (?P<problem>.+)")


def format_tree(output: Path, ruff_config: Path) -> None:
    """Runs the pinned ruff with only our config (no config file from a parent folder applies)."""
    for args in (["check", "--fix-only", "--quiet"], ["format"]):
        command = [*ruff_command(), *args, "--config", str(ruff_config), "--no-cache", "."]
        result = subprocess.run(command, cwd=output, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            output_text = (result.stderr + result.stdout).strip()
            unparsable = _RUFF_PARSE_ERROR.search(output_text)
            if unparsable is not None:
                raise GenerationError(
                    f"not valid Python: {unparsable['problem']} (ruff {args[0]} cannot parse it)",
                    file=output / unparsable["file"],
                    line=int(unparsable["line"]),
                )
            first = output_text.splitlines()[0] if output_text else f"exit status {result.returncode}"
            raise GenerationError(f"ruff {args[0]} failed on the generated code: {first}")


def stamp_headers(output: Path, only: Path | None = None) -> None:
    """Puts the generated header on every .py file of `output` (or of its folder `only`)."""
    for path in sorted((only or output).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        path.write_text(HEADER + ("\n" if text.strip() else "") + text, encoding="utf-8")


def _name(path: Path) -> str:
    """The path relative to the repository, or as given when it lies outside (a test's spec)."""
    resolved = path.resolve()
    return resolved.relative_to(REPO_ROOT).as_posix() if resolved.is_relative_to(REPO_ROOT) else resolved.as_posix()


def _digest(paths: list[Path]) -> dict[str, str]:
    return {
        _name(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths)
        if p.is_file() and "__pycache__" not in p.parts
    }


def provenance(*, inputs: list[Path], templates: Path, layers: list[Layer]) -> dict[str, Any]:
    """The pinned versions and the sha256 of every input file a tree is built from."""
    layer_files = [path for layer in layers for path in [layer.folder / "layer.toml", *layer.files()]]
    return {
        "generator": PROVENANCE_GENERATOR,
        "versions": dict(sorted(PINNED_VERSIONS.items())),
        "inputs": {
            **_digest(inputs),
            **_digest(list(templates.rglob("*"))),
            **_digest(layer_files),
        },
    }


def write_provenance(output: Path, *, inputs: list[Path], templates: Path, layers: list[Layer]) -> None:
    """Records the pinned versions and the sha256 of every input file the tree was built from."""
    record = provenance(inputs=inputs, templates=templates, layers=layers)
    (output / PROVENANCE_FILE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
