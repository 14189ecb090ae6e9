"""The hand-written runtime layers (runtime/<name>/layer.toml) and what each adds to a generated package.

A layer is a folder of Python modules copied verbatim into the package (at `package`), with a manifest
saying which layers it builds on, which requirements and console scripts it adds, which modules' `__all__`
the package root and its errors module re-export, and which client class generated clients subclass.
The core is always included; a spec's config names the others.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError

__all__ = ["CORE", "Layer", "load_layers"]

CORE = "core"
MANIFEST = "layer.toml"
_KEYS = {
    "name": str,
    "summary": str,
    "package": str,
    "requires": list,
    "dependencies": list,
    "exports": list,
    "errors": list,
    "client": str,
    "scripts": dict,
}
_REQUIRED = ("name", "summary", "package", "requires")


@dataclass(frozen=True)
class Layer:
    name: str
    summary: str
    folder: Path
    package: str  # the folder inside the generated package, e.g. "_core"
    requires: tuple[str, ...]
    dependencies: tuple[str, ...]
    exports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, its __all__), for the package root
    errors: tuple[tuple[str, tuple[str, ...]], ...]  # the same, for the package's errors module
    client: tuple[str, str] | None  # (module, class) generated clients subclass
    scripts: tuple[tuple[str, str], ...]  # (command, "module:function") relative to `package`

    def files(self) -> list[Path]:
        """The files copied into the package (the manifest and caches excluded), sorted."""
        return sorted(
            path
            for path in self.folder.rglob("*")
            if path.is_file() and path.name != MANIFEST and "__pycache__" not in path.parts and path.suffix != ".pyc"
        )


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
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise GenerationError(f"cannot read the layer manifest: {error}", file=manifest) from None
    _check_keys(data, manifest)
    if data["name"] != name:
        raise GenerationError(f"name is {data['name']!r} but the folder is {name!r}", file=manifest)
    package = data["package"]
    if not all(part.isidentifier() for part in package.split(".")) or "." in package:
        raise GenerationError(f"package {package!r} is not a Python identifier", file=manifest)
    client = data.get("client")
    return Layer(
        name=name,
        summary=data["summary"],
        folder=folder,
        package=package,
        requires=tuple(_strings(data, "requires", manifest)),
        dependencies=tuple(_strings(data, "dependencies", manifest)),
        exports=tuple(_public(folder, module, manifest) for module in _strings(data, "exports", manifest)),
        errors=tuple(_public(folder, module, manifest) for module in _strings(data, "errors", manifest)),
        client=_client(folder, client, manifest) if client else None,
        scripts=tuple(sorted(_scripts(folder, data.get("scripts", {}), manifest))),
    )


def _check_keys(data: dict[str, Any], manifest: Path) -> None:
    for key, value in data.items():
        if key not in _KEYS:
            raise GenerationError(f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", file=manifest)
        if not isinstance(value, _KEYS[key]):
            raise GenerationError(f"{key} must be a {_KEYS[key].__name__}, not {type(value).__name__}", file=manifest)
    for key in _REQUIRED:
        if key not in data:
            raise GenerationError(f"missing key {key!r}", file=manifest)


def _strings(data: dict[str, Any], key: str, manifest: Path) -> list[str]:
    values = data.get(key, [])
    if not all(isinstance(value, str) and value for value in values):
        raise GenerationError(f"{key} must be a list of non-empty strings", file=manifest)
    return list(values)


def _module_file(folder: Path, module: str, manifest: Path) -> Path:
    path = folder.joinpath(*module.split(".")).with_suffix(".py")
    if not all(part.isidentifier() for part in module.split(".")) or not path.is_file():
        raise GenerationError(f"module {module!r} is not a file of the layer ({path.name} missing)", file=manifest)
    return path


def _public(folder: Path, module: str, manifest: Path) -> tuple[str, tuple[str, ...]]:
    """A module of the layer and the names its literal `__all__` lists."""
    path = _module_file(folder, module, manifest)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise GenerationError(f"cannot parse the module: {error}", file=path) from None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            try:
                names = ast.literal_eval(node.value)
            except ValueError:
                names = None
            if not isinstance(names, list) or not all(isinstance(n, str) and n.isidentifier() for n in names):
                raise GenerationError("__all__ must be a literal list of names", file=path, line=node.lineno)
            return module, tuple(names)
    raise GenerationError("the module has no __all__ (the layer manifest exports it)", file=path)


def _client(folder: Path, reference: str, manifest: Path) -> tuple[str, str]:
    module, _, name = reference.partition(":")
    if not name.isidentifier():
        raise GenerationError(f"client must be 'module:Class', not {reference!r}", file=manifest)
    _module_file(folder, module, manifest)
    return module, name


def _scripts(folder: Path, scripts: dict[str, Any], manifest: Path) -> list[tuple[str, str]]:
    found = []
    for command, target in scripts.items():
        module, _, function = str(target).partition(":")
        if not isinstance(target, str) or not function.isidentifier():
            raise GenerationError(f"script {command!r} must be 'module:function'", file=manifest)
        if (
            not (folder / module.replace(".", "/")).with_suffix(".py").is_file()
            and not (folder / module.replace(".", "/") / "__init__.py").is_file()
        ):
            raise GenerationError(f"script {command!r}: no module {module!r} in the layer", file=manifest)
        found.append((command, target))
    return found
