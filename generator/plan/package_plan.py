"""What goes into a generated package besides the rendered operations and models.

Built from the spec, its config (`api_config`) and the runtime layers: the package's names, the client
class it defines (the spec's server, token URL and security on top of the highest layer's client), the
names its root and its errors module re-export, its requirements and console scripts. The package
templates (templates/package/) only lay this out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.errors import GenerationError
from generator.inputs.api_config import ApiConfig
from generator.inputs.layers import CORE, Layer

__all__ = ["Export", "PackagePlan", "plan_package"]

_GENERATED_CLIENT = "Client"


@dataclass(frozen=True)
class Export:
    """Names re-exported from a module, given as a relative import (e.g. ``._core._errors``)."""

    module: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class PackagePlan:
    package: str
    distribution: str
    version: str
    title: str
    description: str
    layers: tuple[Layer, ...]
    root_exports: tuple[Export, ...]  # the generated Client included
    error_exports: tuple[Export, ...]
    client_base: Export  # the one class the generated Client subclasses
    client_attributes: tuple[tuple[str, str], ...]  # (class attribute, Python literal)
    dependencies: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]  # (extra, its requirements), each layer's merged
    scripts: tuple[tuple[str, str], ...]  # (command, "package.module:function")

    @property
    def all_names(self) -> list[str]:
        return sorted({name for export in self.root_exports for name in export.names})


def plan_package(config: ApiConfig, layers: list[Layer], document: dict[str, Any]) -> PackagePlan:
    info = document.get("info") or {}
    root: dict[str, str] = {}  # name -> module; higher layers replace lower ones
    for layer in layers:
        claimed: dict[str, str] = {}
        for module, names in layer.exports:
            for name in names:
                if name == _GENERATED_CLIENT:
                    raise GenerationError(
                        f"{module} exports {name!r}, which the generated client module owns; "
                        "name the layer's client class in `client` instead",
                        file=layer.folder / "layer.toml",
                    )
                if name in claimed:
                    raise GenerationError(
                        f"{name!r} is exported by both {claimed[name]} and {module}; list it in one __all__",
                        file=layer.folder / "layer.toml",
                    )
                claimed[name] = module
                root[name] = f".{layer.package}.{module}"
    root[_GENERATED_CLIENT] = ".client"
    errors: dict[str, str] = {}
    for layer in layers:
        for module, names in layer.errors:
            for name in names:
                errors[name] = f".{layer.package}.{module}"
    client_layer = next((layer for layer in reversed(layers) if layer.client), None)
    if client_layer is None or client_layer.client is None:
        raise GenerationError("no layer names a client class (the core's layer.toml must)", file=layers[0].folder)
    client_module, client_class = client_layer.client
    dependencies: list[str] = []
    for layer in layers:
        dependencies.extend(d for d in layer.dependencies if d not in dependencies)
    extras: dict[str, list[str]] = {}
    for layer in layers:
        for extra, requirements in layer.extras:
            listed = extras.setdefault(extra, [])
            listed.extend(r for r in requirements if r not in listed)
    scripts: dict[str, str] = {}
    for layer in layers:
        for command, target in layer.scripts:
            if command in scripts:
                raise GenerationError(f"two layers define the command {command!r}", file=layer.folder / "layer.toml")
            scripts[command] = f"{config.package}.{layer.package}.{target}"
    return PackagePlan(
        package=config.package,
        distribution=config.distribution,
        version=config.version,
        title=" ".join(str(info.get("title") or config.distribution).split()),  # a name: one line
        description=str(info.get("description") or "").strip(),
        layers=tuple(layers),
        root_exports=_grouped(root),
        error_exports=_grouped(errors),
        client_base=Export(f".{client_layer.package}.{client_module}", (client_class,)),
        client_attributes=_client_attributes(config, document, platform=client_layer.name != CORE),
        dependencies=tuple(dependencies),
        extras=tuple((extra, tuple(requirements)) for extra, requirements in sorted(extras.items())),
        scripts=tuple(sorted(scripts.items())),
    )


def _grouped(names: dict[str, str]) -> tuple[Export, ...]:
    modules: dict[str, list[str]] = {}
    for name, module in names.items():
        modules.setdefault(module, []).append(name)
    return tuple(Export(module, tuple(sorted(found))) for module, found in sorted(modules.items()))


def _client_attributes(config: ApiConfig, document: dict[str, Any], *, platform: bool) -> tuple[tuple[str, str], ...]:
    """The spec's facts as class attributes of the generated Client (values as Python literals)."""
    attributes: list[tuple[str, str]] = []
    server = _server_url(document)
    if server is not None:
        attributes.append(("DEFAULT_BASE_URL", repr(server)))
    token_url = _token_url(document)
    if token_url is not None:
        attributes.append(("TOKEN_URL", repr(token_url)))
    if not _has_security(document):
        attributes.append(("REQUIRES_AUTH", "False"))
    attributes.append(("USER_AGENT", repr(f"{config.distribution}-python/{config.version}")))
    if not platform:  # a platform layer names its own variables
        prefix = config.package.upper()
        names = {key: f"{prefix}_{key.upper()}" for key in ("base_url", "client_id", "client_secret", "access_token")}
        attributes.append(("ENVIRONMENT", f"MappingProxyType({names!r})"))
    return tuple(attributes)


def _server_url(document: dict[str, Any]) -> str | None:
    """The first server's URL with each variable at its default."""
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict) or not isinstance(servers[0].get("url"), str):
        return None
    server = servers[0]
    variables = server.get("variables") or {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1)) or {}
        return str(variable.get("default", match.group(0)))

    url = re.sub(r"\{([^}]*)\}", default, server["url"])
    return url.rstrip("/") if url.startswith(("http://", "https://")) else None


def _token_url(document: dict[str, Any]) -> str | None:
    """The token URL of the OAuth 2 client-credentials flow the spec's security uses (or declares)."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    used = [name for requirement in document.get("security") or [] for name in requirement]
    for name in used + sorted(schemes):
        scheme = schemes.get(name) or {}
        flow = (scheme.get("flows") or {}).get("clientCredentials") if scheme.get("type") == "oauth2" else None
        if isinstance(flow, dict) and isinstance(flow.get("tokenUrl"), str):
            return str(flow["tokenUrl"])
    return None


def _has_security(document: dict[str, Any]) -> bool:
    if any(document.get("security") or []):
        return True
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, dict) else []:
            if isinstance(operation, dict) and any(operation.get("security") or []):
                return True
    return False
