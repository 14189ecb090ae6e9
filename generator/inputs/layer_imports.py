"""The import rule of the runtime layers: each knows only what it declares.

A module of a layer may import:

- its own layer's modules (`from ._client import ...`, `from .cli._sinks import ...`);
- the layers its manifest `requires` (`from .._core._errors import ...`);
- the generated modules its manifest lists under `generated` (`from ..api.audit import ...`, `..models`);
- the standard library, and the distributions its manifest (or a layer it requires) lists under
  `dependencies` or as an optional extra.

Anything else (a lower layer importing a higher one, the core importing a generated module or a
package it does not declare) is refused at its file and line, before anything is built: otherwise the
layering holds by convention only, and a core that imports `..types` cannot serve an API whose package
lacks it. Every import counts, including those under `if TYPE_CHECKING:` and inside functions.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from generator.errors import GenerationError, Problems
from generator.inputs.layers import GENERATED_MODULES, MANIFEST, Layer

__all__ = ["check_layer_imports", "distribution_modules"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class _Import:
    line: int
    level: int  # 0 for an absolute import
    module: str  # dotted, as written after the dots ("" for `from . import x`)
    names: tuple[str, ...]  # what `from` imports (a name may be a module)


def distribution_modules(requirements: Iterable[str]) -> set[str]:
    """The top-level modules the distributions of `requirements` provide, as installed here (a distribution
    not installed counts by its own name: `pyarrow` provides `pyarrow`)."""
    modules: set[str] = set()
    for requirement in requirements:
        match = _NAME.match(requirement.strip())
        if match is not None:
            modules |= _provided(_normal(match.group()))
    return modules


@functools.cache
def _provided(name: str) -> frozenset[str]:
    """The top-level modules the installed distribution `name` declares (top_level.txt) or installs (its
    files); its own name when it is not installed. Only the distributions asked for are read."""
    try:
        found = distribution(name)
    except PackageNotFoundError:
        return frozenset({name.replace("-", "_")})
    declared = (found.read_text("top_level.txt") or "").split()
    if declared:
        return frozenset(declared)
    installed = {
        file.parts[0] if len(file.parts) > 1 else file.stem
        for file in found.files or ()
        if file.suffix == ".py" and not file.parts[0].endswith((".data", ".dist-info", ".egg-info"))
    }
    return frozenset(installed or {name.replace("-", "_")})


def _normal(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def check_layer_imports(layers: list[Layer]) -> None:
    """Raises GenerationError naming every import (file and line) that breaks the rule above."""
    by_name = {layer.name: layer for layer in layers}
    problems: list[GenerationError] = []
    for layer in layers:
        allowed_layers = {layer.package} | {by_name[name].package for name in _below(layer, by_name)}
        external = distribution_modules(
            dependency
            for name in (layer.name, *_below(layer, by_name))
            for dependency in (
                *by_name[name].dependencies,
                *(requirement for _, requirements in by_name[name].extras for requirement in requirements),
            )
        )
        for path in layer.sources:
            if path.suffix != ".py":
                continue
            for found in _imports(path):
                problem = _judge(layer, path, found, allowed_layers, external, by_name)
                if problem is not None:
                    problems.append(GenerationError(problem, file=path, line=found.line))
    if problems:
        raise Problems.of(problems)


def _below(layer: Layer, by_name: dict[str, Layer]) -> list[str]:
    """The layers `layer` requires, directly or through another."""
    found: list[str] = []
    pending = list(layer.requires)
    while pending:
        name = pending.pop()
        if name in found or name not in by_name:
            continue
        found.append(name)
        pending.extend(by_name[name].requires)
    return found


def _imports(path: Path) -> Iterator[_Import]:
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError:
        return  # the build names a module that does not parse, with its line
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _Import(node.lineno, 0, alias.name, ())
        elif isinstance(node, ast.ImportFrom):
            yield _Import(node.lineno, node.level, node.module or "", tuple(alias.name for alias in node.names))


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")  # where a statement can hold statements


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every statement, nested ones included (an import is a statement: expressions need no visit)."""
    pending: list[ast.AST] = list(reversed(body))
    while pending:
        node = pending.pop()
        yield node
        for block in _BLOCKS:
            inner = getattr(node, block, None)
            if inner:
                pending.extend(reversed(inner))


def _judge(
    layer: Layer, path: Path, found: _Import, allowed_layers: set[str], external: set[str], by_name: dict[str, Layer]
) -> str | None:
    """Why `found` breaks the rule, or None."""
    if found.level == 0:
        top = found.module.split(".")[0]
        if top in sys.stdlib_module_names or top in external or top == "__future__":
            return None
        return (
            f"imports {top!r}, which layer {layer.name!r} does not declare: add its distribution to dependencies "
            f"in {layer.folder.name}/{MANIFEST}"
        )
    depth = len(path.relative_to(layer.folder).parts) - 1  # folders below the layer's own
    if found.level <= depth + 1:
        return None  # within the layer
    if found.level > depth + 2:
        return "a relative import that leaves the generated package"
    # From the package root: a layer's package or a generated module.
    first = found.module.split(".")[0] if found.module else ""
    targets = [first] if first else list(found.names)
    for target in targets:
        if (
            not first
            and target not in GENERATED_MODULES
            and target not in {other.package for other in by_name.values()}
        ):
            target = "root"  # a name of the package root itself (its __version__, a re-export)
        if target in allowed_layers:
            continue
        owner = next((other for other in by_name.values() if other.package == target), None)
        if owner is not None:
            return (
                f"imports layer {owner.name!r} ({target}), which layer {layer.name!r} does not require: a layer "
                f"knows only those below it (requires in {layer.folder.name}/{MANIFEST})"
            )
        if target not in layer.generated:
            return (
                f"imports the generated module {target!r}, which layer {layer.name!r} does not declare under "
                f"generated in {layer.folder.name}/{MANIFEST}"
            )
    return None
