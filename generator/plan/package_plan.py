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

from openapi_python_client.strings import PythonIdentifier

from generator.errors import GenerationError
from generator.inputs.api_config import ApiConfig
from generator.inputs.layers import CORE, Layer
from generator.inputs.runtime_support import supported_scheme
from generator.spec import HTTP_METHODS, parse_ref, resolve

__all__ = ["CredentialArgument", "Export", "PackagePlan", "plan_package"]

_GENERATED_CLIENT = "Client"


@dataclass(frozen=True)
class Export:
    """Names re-exported from a module, given as a relative import (e.g. ``._core._errors``)."""

    module: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class CredentialArgument:
    """A keyword argument of the generated Client taking the credential of one security scheme."""

    argument: str  # the Python keyword
    scheme: str  # the scheme's name in the spec
    type: str  # its annotation
    doc: str


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
    credential_arguments: tuple[CredentialArgument, ...]  # API keys, HTTP basic and bearer credentials
    token_schemes: tuple[str, ...]  # OAuth 2 and OpenID Connect schemes, met by access_token or client credentials
    environment: tuple[tuple[str, str], ...]  # (keyword argument, environment variable) that from_env reads
    core_client: bool  # the generated Client subclasses the core's own (no platform layer in between)
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
    arguments = _credential_arguments(document)
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
        client_attributes=_client_attributes(config, document, arguments, platform=client_layer.name != CORE),
        credential_arguments=arguments,
        token_schemes=tuple(
            name
            for name, scheme in _security_schemes(document).items()
            if scheme["type"] in ("oauth2", "openIdConnect")
        ),
        environment=_environment(config, arguments) if client_layer.name == CORE else (),
        core_client=client_layer.name == CORE,
        dependencies=tuple(dependencies),
        extras=tuple((extra, tuple(requirements)) for extra, requirements in sorted(extras.items())),
        scripts=tuple(sorted(scripts.items())),
    )


def _grouped(names: dict[str, str]) -> tuple[Export, ...]:
    modules: dict[str, list[str]] = {}
    for name, module in names.items():
        modules.setdefault(module, []).append(name)
    return tuple(Export(module, tuple(sorted(found))) for module, found in sorted(modules.items()))


def _client_attributes(
    config: ApiConfig, document: dict[str, Any], arguments: tuple[CredentialArgument, ...], *, platform: bool
) -> tuple[tuple[str, str], ...]:
    """The spec's facts as class attributes of the generated Client (values as Python literals)."""
    attributes: list[tuple[str, str]] = []
    server = _server_url(document)
    if server is not None:
        attributes.append(("DEFAULT_BASE_URL", repr(server)))
    token_url = _token_url(document)
    if token_url is not None:
        attributes.append(("TOKEN_URL", repr(token_url)))
    if not _every_operation_needs_credentials(document):
        attributes.append(("REQUIRES_AUTH", "False"))
    schemes = _schemes(document)
    if schemes:
        listed = ", ".join(f"{name!r}: {literal}" for name, literal in schemes.items())
        attributes.append(("SECURITY_SCHEMES", f"MappingProxyType({{{listed}}})"))
    attributes.append(("USER_AGENT", repr(f"{config.distribution}-python/{config.version}")))
    if not platform:  # a platform layer names its own variables
        names = dict(_environment(config, arguments))
        attributes.append(("ENVIRONMENT", f"MappingProxyType({names!r})"))
    return tuple(attributes)


def _environment(config: ApiConfig, arguments: tuple[CredentialArgument, ...]) -> tuple[tuple[str, str], ...]:
    """The environment variables `Client.from_env` reads, by keyword argument: the base URL, OAuth 2 client
    credentials or a token, and each API key or bearer token (HTTP basic, a pair, is given in code)."""
    prefix = config.package.upper()
    names = [(key, f"{prefix}_{key.upper()}") for key in ("base_url", "client_id", "client_secret", "access_token")]
    names += [(a.argument, f"{prefix}_{a.argument.upper()}") for a in arguments if a.type != _BASIC]
    return tuple(names)


_BASIC = "tuple[str, str | Secret] | None"
# The generated Client's own keyword arguments, which a scheme's argument may not take.
_RESERVED = frozenset(
    {
        "base_url",
        "region",
        "client_id",
        "client_secret",
        "access_token",
        "auth",
        "token_url",
        "timeout",
        "retry",
        "rate_limit",
        "httpx_args",
        "credentials",
        "self",
        "options",
    }
)


def _security_schemes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The spec's security schemes that the runtime supports, $refs followed, in name order."""
    found = (document.get("components") or {}).get("securitySchemes") or {}
    schemes: dict[str, dict[str, Any]] = {}
    for name in sorted(found):
        scheme = found[name]
        while isinstance(scheme, dict) and isinstance(scheme.get("$ref"), str):
            scheme = resolve(document, parse_ref(scheme["$ref"]) or [])
        if isinstance(scheme, dict) and supported_scheme(scheme):
            schemes[str(name)] = scheme
    return schemes


def _schemes(document: dict[str, Any]) -> dict[str, str]:
    """Each supported scheme as a `SecurityScheme(...)` literal, by name."""
    literals = {}
    for name, scheme in _security_schemes(document).items():
        kind = scheme["type"]
        if kind == "apiKey":
            literals[name] = f"SecurityScheme('apiKey', {scheme['in']!r}, {str(scheme['name'])!r})"
        elif kind == "http":
            literals[name] = f"SecurityScheme({str(scheme['scheme']).lower()!r})"
        else:
            literals[name] = "SecurityScheme('oauth2')"
    return literals


def _credential_arguments(document: dict[str, Any]) -> tuple[CredentialArgument, ...]:
    """A keyword argument for each scheme with a credential of its own (API keys, HTTP basic and bearer);
    OAuth 2 and OpenID Connect take the client's access_token or client credentials instead."""
    arguments: list[CredentialArgument] = []
    taken = set(_RESERVED)
    for name, scheme in _security_schemes(document).items():
        kind = scheme["type"]
        if kind not in ("apiKey", "http"):
            continue
        argument = str(PythonIdentifier(name, "scheme"))
        while argument in taken:
            argument += "_credential"
        taken.add(argument)
        if kind == "apiKey":
            doc = f"the API key sent in the {scheme['in']} {scheme['name']!r}"
            arguments.append(CredentialArgument(argument, name, "str | Secret | None", doc))
        elif str(scheme["scheme"]).lower() == "basic":
            arguments.append(CredentialArgument(argument, name, _BASIC, "HTTP basic credentials: (username, password)"))
        else:
            arguments.append(CredentialArgument(argument, name, "str | Secret | None", "the bearer token"))
    return tuple(arguments)


def _effective_security(document: dict[str, Any], operation: dict[str, Any]) -> list[Any]:
    security = operation["security"] if "security" in operation else document.get("security")
    return security if isinstance(security, list) else []


def _every_operation_needs_credentials(document: dict[str, Any]) -> bool:
    """Whether every operation's security has no empty alternative (then a client without credentials is useless)."""
    found = False
    for item in (document.get("paths") or {}).values():
        for method, operation in item.items() if isinstance(item, dict) else []:
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            security = _effective_security(document, operation)
            if not security or any(not requirement for requirement in security):
                return False
            found = True
    return found


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
