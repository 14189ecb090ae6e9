"""The per-API config beside a spec (`spec/NAME.toml` for `spec/NAME.yaml`): package names and layers.

Every key is optional. Without the file, the names come from the spec's `info.title` ("Widgets API" ->
package `widgets_api`, distribution `widgets-api`), the version from `info.version`, and the package gets
the core layer alone.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError

__all__ = ["ApiConfig", "config_path", "load_api_config"]

_KEYS = {"package": str, "distribution": str, "version": str, "layers": list, "ignore_extensions": list}
_DISTRIBUTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")  # PEP 508 names
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$")


@dataclass(frozen=True)
class ApiConfig:
    package: str  # the import name, e.g. widgets_api
    distribution: str  # the name pip installs, e.g. widgets-api
    version: str
    layers: tuple[str, ...]  # runtime layers above the core, lowest first
    ignore_extensions: tuple[str, ...]  # documentation-only x- keys of operations the generator does not read
    source: Path | None  # the config file, when there is one


def config_path(spec: Path) -> Path:
    return spec.with_suffix(".toml")


def load_api_config(spec: Path, document: dict[str, Any]) -> ApiConfig:
    path = config_path(spec)
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise GenerationError(f"cannot read the API config: {error}", file=path) from None
        for key, value in data.items():
            if key not in _KEYS:
                raise GenerationError(f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", file=path)
            if not isinstance(value, _KEYS[key]):
                raise GenerationError(f"{key} must be a {_KEYS[key].__name__}", file=path)
    info: dict[str, Any] = document["info"] if isinstance(document.get("info"), dict) else {}
    title = str(info.get("title") or "api")
    words = re.findall(r"[A-Za-z0-9]+", title.lower()) or ["api"]
    package = data.get("package", "_".join(words))
    distribution = data.get("distribution", "-".join(words))
    version = data.get("version", str(info.get("version") or "0.1.0"))
    where = path if data else spec
    if (
        not package.isidentifier()
        or keyword.iskeyword(package)
        or package.startswith("_")
        or package != package.lower()
    ):
        raise GenerationError(f"package name {package!r} is not a lower-case Python identifier", file=where)
    if package[0].isdigit():
        raise GenerationError(f"package name {package!r} starts with a digit", file=where)
    if not _DISTRIBUTION.match(distribution):
        raise GenerationError(f"distribution name {distribution!r} is not a valid package name", file=where)
    if not _VERSION.match(version):
        raise GenerationError(f"version {version!r} is not a release version such as 1.2.0", file=where)
    layers = data.get("layers", [])
    if not all(isinstance(name, str) and name for name in layers) or len(set(layers)) != len(layers):
        raise GenerationError("layers must be a list of distinct layer names", file=path)
    ignored = data.get("ignore_extensions", [])
    if not all(isinstance(name, str) and name.startswith("x-") for name in ignored):
        raise GenerationError("ignore_extensions must be a list of x- extension names", file=path)
    return ApiConfig(package, distribution, version, tuple(layers), tuple(ignored), path if path.is_file() else None)
