"""The per-API config beside a spec (`spec/NAME.toml` for `spec/NAME.yaml`): package names and layers.

Every key is optional. Without the file, the names come from the spec's `info.title` ("Widgets API" ->
package `widgets_api`, distribution `widgets-api`; accents are folded, "Café" -> `cafe`), the version from
`info.version`, and the package gets the core layer alone.

The package must be importable under its name and must not hide a module it runs on: a lower-case ASCII
identifier, no keyword, no leading digit or underscore, not a module of the standard library, and not one
the runtime or the templates import (`httpx`, `attrs`, ...). The version must be one pip accepts (PEP
440). A bad name or version taken from the spec is named at its line, with the config key that overrides it.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from generator.errors import GenerationError
from generator.inputs.toml_file import TomlFile, read_toml
from generator.notices import Notices
from generator.spec import SpecDocument

__all__ = ["ApiConfig", "config_path", "load_api_config", "nearest_version"]

_KEYS = {"package": str, "distribution": str, "version": str, "layers": list, "ignore_extensions": list}
_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
_DISTRIBUTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")  # PEP 508 names


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


def load_api_config(spec: SpecDocument, notices: Notices | None = None, *, needed: Collection[str] = ()) -> ApiConfig:
    """The spec's config, its names checked; `needed` are the modules the package imports (see module doc)."""
    path = config_path(spec.path)
    config = read_toml(path, "API config") if path.is_file() else TomlFile(path, "", {})
    for key, value in config.data.items():
        if key not in _KEYS:
            raise config.error(f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})", key)
        if not isinstance(value, _KEYS[key]):
            raise config.error(f"{key} must be a {_KEYS[key].__name__}", key)
    found = spec.data.get("info")
    info: dict[str, Any] = found if isinstance(found, dict) else {}

    def problem(key: str, message: str) -> GenerationError:
        """At the config's key when it gave the value, else at the spec's field it came from."""
        if key in config.data:
            return config.error(message, key)
        field = "version" if key == "version" else "title"
        return spec.error(f"{message}; set {key} in {path.name}", ("info", field))

    words = _words(str(info.get("title") or "api"))
    package = config.data.get("package", "_".join(words))
    refusal = _package_problem(package, needed)
    if refusal is not None:
        raise problem("package", f"package name {package!r} {refusal}")
    distribution = config.data.get("distribution", "-".join(words))
    if not _DISTRIBUTION.match(distribution):
        raise problem("distribution", f"distribution name {distribution!r} is not a valid project name")
    version = config.data.get("version", str(info.get("version") or "0.1.0"))
    try:
        Version(version)
    except InvalidVersion:
        if "version" in config.data:
            raise problem(
                "version", f"version {version!r} is not a PEP 440 version (such as 1.2.0), which pip needs"
            ) from None
        nearest = nearest_version(version)
        if notices is not None:
            notices.notice(
                spec.error(
                    f"version {version!r} is not one pip reads (PEP 440); the package is version {nearest} (set "
                    f"version in {path.name} to choose another)",
                    ("info", "version"),
                )
            )
        version = nearest
    layers = config.data.get("layers", [])
    if not all(isinstance(name, str) and name for name in layers) or len(set(layers)) != len(layers):
        raise config.error("layers must be a list of distinct layer names", "layers")
    ignored = config.data.get("ignore_extensions", [])
    if not all(isinstance(name, str) and name.startswith("x-") for name in ignored):
        raise config.error("ignore_extensions must be a list of x- extension names", "ignore_extensions")
    source = path if path.is_file() else None
    return ApiConfig(package, distribution, version, tuple(layers), tuple(ignored), source)


_RELEASE = re.compile(r"^[vV]?(\d+(?:[.\-_]\d+)*)(.*)$")
_PRE_RELEASE = re.compile(r"(snapshot|dev|alpha|beta|rc|pre)[.\-_]?(\d*)")
_MARKERS = {"snapshot": ".dev", "dev": ".dev", "alpha": "a", "beta": "b", "rc": "rc", "pre": "rc"}


def nearest_version(text: str) -> str:
    """The PEP 440 version nearest to a version pip cannot read: its release numbers, and a pre-release
    or development marker when the rest names one (1.0.27-SNAPSHOT -> 1.0.27.dev0, 2.1-beta -> 2.1b0,
    2023-10-16 -> 2023.10.16); 0.1.0 when it has no number to start from."""
    match = _RELEASE.match(text.strip())
    if match is None:
        return "0.1.0"
    release, rest = re.sub(r"[-_]", ".", match.group(1)), match.group(2).lower()
    marker = _PRE_RELEASE.search(rest)
    suffix = f"{_MARKERS[marker.group(1)]}{marker.group(2) or 0}" if marker else ""
    return str(Version(release + suffix))


def _words(title: str) -> list[str]:
    """The title's ASCII words, lower case, accents folded ("Ünïcode Café" -> unicode, cafe)."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", folded.lower()) or ["api"]


def _package_problem(package: str, needed: Collection[str]) -> str | None:
    """Why `package` cannot name the generated package, or None."""
    if keyword.iskeyword(package):
        return "is a Python keyword"
    if not _PACKAGE.match(package):
        return "starts with a digit" if package[:1].isdigit() else "is not a lower-case ASCII Python identifier"
    if package.startswith("_"):
        return "starts with an underscore"
    if package in sys.stdlib_module_names:
        return f"would hide the standard library's {package} module"
    if package in needed:
        return f"would hide {package}, which the generated package needs"
    return None
