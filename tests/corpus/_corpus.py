"""The corpus as the tests see it: its specs, one generation of each, and a spec server per spec.

One `Corpus` serves the whole session: the first test that needs a generated client generates
every spec (two at a time), imports are checked per package when first asked, mypy runs once over
all packages, and each spec's server starts on first use and stops at the end.
"""

from __future__ import annotations

import inspect
import threading
import typing
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from openapi_python_client.strings import PythonIdentifier

from tests.corpus._generation import Generated, generate_all, import_failures, mypy_errors
from tests.support.spec_server import Credential, Document, Sampler, SpecServer

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "SPECS",
    "Corpus",
    "SpecClient",
    "client_keywords",
    "credential_keywords",
    "credentials_for",
    "generator_lines",
    "spec_files",
]

SPECS = Path(__file__).parent / "specs"
CLIENT_ID = "corpus-client"
CLIENT_SECRET = "corpus-secret-3f9a"


def spec_files() -> list[Path]:
    return sorted(p for p in SPECS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def credentials_for(document: Document) -> dict[str, Credential]:
    """The one secret the server accepts for each security scheme (and the client is given)."""
    secrets: dict[str, Credential] = {}
    for name, scheme in document.security_schemes().items():
        tag = str(PythonIdentifier(name, prefix="s"))
        if scheme.get("type") == "apiKey":
            secrets[name] = f"key-{tag}-7f3a"
        elif scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            secrets[name] = (f"user-{tag}", f"pw-{tag}-9c:x")
        elif scheme.get("type") == "http":
            secrets[name] = f"token-{tag}-5d"
        else:  # OAuth 2 and OpenID Connect: one authorisation server, one token for all of them
            secrets[name] = "oauth-token-2b"
    return secrets


@dataclass
class SpecClient:
    """A spec, its generation, its server (started on demand) and its document."""

    spec: Path
    generated: Generated
    document: Document
    _server: SpecServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def sampler(self) -> Sampler:
        return Sampler(self.document)

    @property
    def package_dir(self) -> Path:
        assert self.generated.package is not None
        return self.generated.output / self.generated.package

    def server(self) -> SpecServer:
        with self._lock:
            if self._server is None:
                self._server = SpecServer(self.document, credentials_for(self.document), (CLIENT_ID, CLIENT_SECRET))
            return self._server

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


class Corpus:
    def __init__(self, root: Path, generator: str = "ours") -> None:
        self.root = root
        self.generator = generator
        self._lock = threading.Lock()
        self._built: dict[str, SpecClient] | None = None
        self._imports: dict[str, list[str]] = {}
        self._mypy: tuple[dict[str, list[str]], str] | None = None

    def built(self) -> dict[str, SpecClient]:
        with self._lock:
            if self._built is None:
                specs = spec_files()
                generated = generate_all(specs, self.root, generator=self.generator)
                self._built = {s.name: SpecClient(s, generated[s.name], Document.load(s)) for s in specs}
            return self._built

    def get(self, name: str) -> SpecClient:
        return self.built()[name]

    def imports(self, name: str) -> list[str]:
        if name not in self._imports:
            self._imports[name] = import_failures(self.get(name).generated)
        return self._imports[name]

    def mypy(self) -> tuple[dict[str, list[str]], str]:
        if self._mypy is None:
            self._mypy = mypy_errors([c.generated for c in self.built().values()], self.root)
        return self._mypy

    def close(self) -> None:
        for client in (self._built or {}).values():
            client.close()


def client_keywords(client_class: type) -> set[str]:
    """The keywords a Client takes: its named parameters and those of a `**options: Unpack[TypedDict]`."""
    keywords = set()
    for name, parameter in inspect.signature(client_class).parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            hint = typing.get_type_hints(client_class.__init__).get(name)  # type: ignore[misc]
            for options in typing.get_args(hint):
                keywords |= set(typing.get_type_hints(options))
        else:
            keywords.add(name)
    return keywords


def credential_keywords(document: Document, offered: Any) -> tuple[dict[str, str], list[str]]:
    """The Client keyword for each security scheme (its snake_case name; for OAuth 2 and OpenID
    Connect `access_token` also does), and the schemes the Client has no keyword for."""
    keywords, missing = {}, []
    for name, scheme in document.security_schemes().items():
        keyword = str(PythonIdentifier(name, prefix="field_"))
        if keyword in offered:
            keywords[name] = keyword
        elif scheme.get("type") in ("oauth2", "openIdConnect") and "access_token" in offered:
            keywords[name] = "access_token"
        else:
            missing.append(f"{name} ({scheme.get('type')}: expected keyword {keyword})")
    return keywords, missing


def generator_lines(generated: Generated, operation_pointer: str) -> list[str]:
    """What the generator said about one operation (notices, warnings), by its JSON pointer."""
    marker = f"at {operation_pointer}"
    lines = (generated.stdout + generated.stderr).splitlines()
    return [line for line in lines if marker + ":" in line or marker + "/" in line]
