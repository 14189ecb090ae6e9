"""The hand-written runtime layers (runtime/<name>/layer.toml) and what each adds to a generated package.

A layer is a folder of Python modules copied verbatim into the package (at `package`), with a manifest
saying which layers it builds on, which requirements and console scripts it adds, which generated modules
it uses, which modules' `__all__` the package root and its errors module re-export, and which client class
generated clients subclass. The core is always included; a spec's config names the others. What a layer
may import follows from its manifest (inputs.layer_imports).

A layer folder holds regular files only (a symbolic link would copy something from outside it, and is
refused); caches and editor leftovers (`__pycache__`, `*.pyc`, hidden files, `*~`, `#...#`) are not
copied. Each exported module's `__all__` is a literal list or tuple whose every name the module defines.
"""

from __future__ import annotations

import ast
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.inputs.toml_file import TomlFile, read_toml

__all__ = ["CORE", "GENERATED_MODULES", "MANIFEST", "Layer", "load_layers"]

CORE = "core"
MANIFEST = "layer.toml"
_KEYS = {
    "name": str,
    "summary": str,
    "package": str,
    "requires": list,
    "dependencies": list,
    "generated": list,
    "exports": list,
    "errors": list,
    "client": str,
    "scripts": dict,
    "extras": dict,
    "readme": str,
}
_REQUIRED = ("name", "summary", "package", "requires")
# The templates import the core from here: `from <package>._core._support import ...`.
CORE_PACKAGE = "_core"
_COMMAND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a console script's file name
_EXTRA = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # an extra's name, normalized as PEP 685 writes it


@dataclass(frozen=True)
class Layer:
    name: str
    summary: str
    folder: Path
    package: str  # the folder inside the generated package, e.g. "_core"
    requires: tuple[str, ...]
    dependencies: tuple[str, ...]
    generated: tuple[str, ...]  # the generated modules it imports (api, models, types, client, errors)
    extras: tuple[tuple[str, tuple[str, ...]], ...]  # (extra, its requirements): optional dependencies
    exports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, its __all__), for the package root
    errors: tuple[tuple[str, tuple[str, ...]], ...]  # the same, for the package's errors module
    client: tuple[str, str] | None  # (module, class) generated clients subclass
    scripts: tuple[tuple[str, str], ...]  # (command, "module:function") relative to `package`
    sources: tuple[Path, ...]  # the files copied into the package (the manifest and leftovers excluded), sorted
    readme: str = ""  # Markdown the package's README shows for the layer (its `readme` file, not copied)

    def files(self) -> list[Path]:
        return list(self.sources)


def load_layers(runtime: Path, names: list[str]) -> list[Layer]:
    """The core and the named layers, each after the layers it requires (so lower layers come first)."""
    wanted = [CORE, *(name for name in names if name != CORE)]
    loaded: dict[str, Layer] = {}
    for name in wanted:
        if name not in loaded:
            loaded[name] = _load(runtime, name)
    ordered: list[Layer] = []
    for layer in loaded.values():
        for required in layer.requires:
            if required not in loaded:
                raise GenerationError(
                    f"layer {layer.name!r} requires layer {required!r}; add it to the spec's layers",
                    file=layer.folder / MANIFEST,
                )
            if required not in (done.name for done in ordered):
                raise GenerationError(
                    f"layer {layer.name!r} requires {required!r}, which must come before it in the spec's layers",
                    file=layer.folder / MANIFEST,
                )
        ordered.append(layer)
    packages: dict[str, str] = {}
    for layer in ordered:
        if layer.package in packages:
            raise GenerationError(
                f"layers {packages[layer.package]!r} and {layer.name!r} both go to package folder {layer.package!r}",
                file=layer.folder / MANIFEST,
            )
        packages[layer.package] = layer.name
    return ordered


def _load(runtime: Path, name: str) -> Layer:
    folder = runtime / name
    manifest = folder / MANIFEST
    if not name.isidentifier() or not manifest.is_file():
        known = sorted(p.parent.name for p in runtime.glob(f"*/{MANIFEST}"))
        raise GenerationError(f"no runtime layer {name!r} (known: {', '.join(known) or 'none'})", file=runtime)
    record = read_toml(manifest, "layer manifest")
    data = record.data
    _check_keys(record)
    if data["name"] != name:
        raise record.error(f"name is {data['name']!r} but the folder is {name!r}", "name")
    package = data["package"]
    if not package.isidentifier() or not package.isascii():
        raise record.error(f"package {package!r} is not a Python identifier", "package")
    if name == CORE and package != CORE_PACKAGE:
        raise record.error(
            f"the core layer's package must be {CORE_PACKAGE!r} (the templates import <package>._core._support)",
            "package",
        )
    client = data.get("client")
    return Layer(
        name=name,
        summary=data["summary"],
        folder=folder,
        package=package,
        requires=tuple(_strings(record, "requires")),
        dependencies=tuple(_strings(record, "dependencies")),
        generated=tuple(_generated(record)),
        extras=_extras(record),
        exports=tuple(_public(folder, module, manifest) for module in _strings(record, "exports")),
        errors=tuple(_public(folder, module, manifest) for module in _strings(record, "errors")),
        client=_client(folder, client, manifest) if client else None,
        scripts=tuple(sorted(_scripts(folder, data.get("scripts", {}), record))),
        sources=tuple(p for p in _sources(folder) if p != _readme_path(folder, data, record)),
        readme=_readme(folder, data, record),
    )


def _readme_path(folder: Path, data: dict[str, Any], record: TomlFile) -> Path | None:
    name = data.get("readme")
    if not isinstance(name, str):
        return None
    path: Path = folder / name
    if "/" in name or "\\" in name or not path.is_file():
        raise record.error(f"readme {name!r} is not a file in the layer's folder", "readme")
    return path


def _readme(folder: Path, data: dict[str, Any], record: TomlFile) -> str:
    path = _readme_path(folder, data, record)
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise GenerationError(f"cannot read the layer's readme: {error}", file=path) from None


def _check_keys(record: TomlFile) -> None:
    for key, value in record.data.items():
        if key not in _KEYS:
            raise record.error(f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", key)
        if not isinstance(value, _KEYS[key]):
            raise record.error(f"{key} must be a {_KEYS[key].__name__}, not {type(value).__name__}", key)
    for key in _REQUIRED:
        if key not in record.data:
            raise record.error(f"missing key {key!r}")


# The top-level modules of a generated package, besides the layers' own folders.
GENERATED_MODULES = ("api", "models", "types", "client", "errors", "root")  # root: the package's __init__


def _generated(record: TomlFile) -> list[str]:
    names = _strings(record, "generated")
    for name in names:
        if name not in GENERATED_MODULES:
            raise record.error(
                f"generated lists {name!r}; a generated package has {', '.join(GENERATED_MODULES)}", "generated"
            )
    if record.data.get("name") == CORE and names:
        raise record.error("the core layer imports no generated module: it serves any API", "generated")
    return names


def _strings(record: TomlFile, key: str) -> list[str]:
    values = record.data.get(key, [])
    if not all(isinstance(value, str) and value for value in values):
        raise record.error(f"{key} must be a list of non-empty strings", key)
    return list(values)


def _extras(record: TomlFile) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The layer's optional dependencies: `[extras]` maps an extra's name to its requirements."""
    found = []
    for name, requirements in record.data.get("extras", {}).items():
        if not _EXTRA.match(name):
            raise record.error(
                f"extra {name!r} is not a normalized extra name (lower case letters, digits, -)", "extras"
            )
        if (
            not isinstance(requirements, list)
            or not requirements
            or not all(isinstance(requirement, str) and requirement for requirement in requirements)
        ):
            raise record.error(f"extra {name!r} must be a non-empty list of requirements", "extras")
        found.append((name, tuple(requirements)))
    return tuple(sorted(found))


def _sources(folder: Path) -> list[Path]:
    """Every file of the layer to copy, sorted; GenerationError for a link or a special file."""
    found: list[Path] = []
    for directory, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not _leftover(f))
        for name in [*folders, *(n for n in names if not _leftover(n))]:
            path = Path(directory) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise GenerationError(
                    "is a symbolic link; a layer is copied verbatim, so it holds only regular files", file=path
                )
            if name in names and path != folder / MANIFEST:
                if not stat.S_ISREG(mode):
                    raise GenerationError("is not a regular file; a layer holds only regular files", file=path)
                found.append(path)
    return sorted(found)


def _leftover(name: str) -> bool:
    """A cache, a hidden file or an editor's backup or lock (emacs' `.#name` is a link): never part of a layer."""
    return name == "__pycache__" or name.startswith((".", "#")) or name.endswith(("~", ".pyc", ".pyo"))


def _module_file(folder: Path, module: str, manifest: Path) -> Path:
    path = folder.joinpath(*module.split(".")).with_suffix(".py")
    if not all(part.isidentifier() for part in module.split(".")) or not path.is_file():
        raise GenerationError(f"module {module!r} is not a file of the layer ({path.name} missing)", file=manifest)
    return path


def _public(folder: Path, module: str, manifest: Path) -> tuple[str, tuple[str, ...]]:
    """A module of the layer and the names its literal `__all__` lists, each defined by the module."""
    path = _module_file(folder, module, manifest)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise GenerationError(f"cannot parse the module: {error}", file=path) from None
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            continue
        try:
            names = ast.literal_eval(node.value) if node.value is not None else None
        except ValueError:
            names = None
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) and n.isidentifier() for n in names):
            raise GenerationError("__all__ must be a literal list or tuple of names", file=path, line=node.lineno)
        defined = _defined_names(tree.body)
        if defined is not None:
            for name in names:
                if name not in defined:
                    raise GenerationError(
                        f"__all__ lists {name!r}, which the module does not define", file=path, line=node.lineno
                    )
        return module, tuple(names)
    raise GenerationError("the module has no __all__ (the layer manifest exports it)", file=path)


def _defined_names(body: list[ast.stmt]) -> set[str] | None:
    """The names a module binds when it runs (not those under `if TYPE_CHECKING:`); None after `import *`."""
    found: set[str] = set()
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                found.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                found.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If):
            test = node.test
            checking = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            )
            for branch in ([] if checking else [node.body]) + [node.orelse]:
                inner = _defined_names(branch)
                if inner is None:
                    return None
                found |= inner
        elif isinstance(node, ast.Try | ast.With):
            branches = [node.body] + (
                [node.orelse, node.finalbody, *(h.body for h in node.handlers)] if isinstance(node, ast.Try) else []
            )
            for branch in branches:
                inner = _defined_names(branch)
                if inner is None:
                    return None
                found |= inner
    return found


def _client(folder: Path, reference: str, manifest: Path) -> tuple[str, str]:
    module, _, name = reference.partition(":")
    if not name.isidentifier():
        raise GenerationError(f"client must be 'module:Class', not {reference!r}", file=manifest)
    _module_file(folder, module, manifest)
    return module, name


def _scripts(folder: Path, scripts: dict[str, Any], record: TomlFile) -> list[tuple[str, str]]:
    found = []
    for command, target in scripts.items():
        if not _COMMAND.match(command):
            raise record.error(
                f"script {command!r} is not a command name (letters, digits, . _ -, starting with a letter or digit)",
                "scripts",
            )
        module, _, function = str(target).partition(":")
        if not isinstance(target, str) or not function.isidentifier():
            raise record.error(f"script {command!r} must be 'module:function'", "scripts")
        if (
            not (folder / module.replace(".", "/")).with_suffix(".py").is_file()
            and not (folder / module.replace(".", "/") / "__init__.py").is_file()
        ):
            raise record.error(f"script {command!r}: no module {module!r} in the layer", "scripts")
        found.append((command, target))
    return found
