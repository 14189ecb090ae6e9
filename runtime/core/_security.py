"""Security as the spec declares it: which credentials each request carries, and where.

The generated client lists the spec's security schemes (`Client.SECURITY_SCHEMES`) and takes a
credential for each by the scheme's name. Each operation names the alternatives the spec allows
(`ApiRequest.security`: every scheme of one alternative is needed; an empty alternative means none).
For each request the first alternative whose credentials the client holds is used; an empty one is
used only when no other can be met. Bearer-type schemes (OAuth 2, OpenID Connect, HTTP bearer) without
a credential of their own use the client's token source (`access_token=` or client credentials), which
is renewed after a 401.

Every credential is held as a `Secret`, so it is redacted wherever it could be shown, and the name an
API key is sent under is redacted in text too (`X-Api-Key: ...`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ._errors import ConfigurationError
from ._public import publish
from ._redaction import watch_key
from ._secrets import Secret
from ._wire import cookie_text

__all__ = ["SecurityScheme"]

SchemeKind = Literal["apiKey", "basic", "bearer", "oauth2"]
Credential = str | Secret | tuple[str, str | Secret]


@dataclass(frozen=True)
class SecurityScheme:
    """One security scheme of the spec, as the client applies it.

    Attributes:
        kind: "apiKey", "basic" (HTTP basic), "bearer" (HTTP bearer) or "oauth2" (OAuth 2 and OpenID Connect).
        location: Where an API key goes: "header", "query" or "cookie".
        parameter: The header, query parameter or cookie name of an API key.
    """

    kind: SchemeKind
    location: Literal["header", "query", "cookie"] | None = None
    parameter: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "apiKey" and self.parameter:
            watch_key(self.parameter)

    def describe(self) -> str:
        if self.kind == "apiKey":
            return f"an API key in the {self.location} {self.parameter!r}"
        return {
            "basic": "a username and password for HTTP basic",
            "bearer": "a bearer token",
            "oauth2": "an OAuth 2 token",
        }[self.kind]

    @property
    def bearer(self) -> bool:
        """Whether the scheme sends `Authorization: Bearer` (and may use the client's token source)."""
        return self.kind in ("bearer", "oauth2")


@dataclass
class Applied:
    """What one request carries for its security: headers, query pairs and cookies, and whether it needs
    the client's token source for an `Authorization: Bearer` header."""

    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)
    uses_token: bool = False


def hold(schemes: Mapping[str, SecurityScheme], credentials: Mapping[str, Credential | None]) -> dict[str, object]:
    """The credentials given for `schemes`, checked and held as secrets (None values dropped)."""
    held: dict[str, object] = {}
    for name, value in credentials.items():
        if value is None:
            continue
        scheme = schemes.get(name)
        if scheme is None:
            known = ", ".join(schemes) or "none"
            raise ConfigurationError(f"no security scheme {name!r} (the spec defines: {known})")
        if scheme.kind == "basic":
            if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)):
                raise ConfigurationError(f"{name}: give HTTP basic credentials as a (username, password) tuple")
            user, password = value
            if ":" in user:
                raise ConfigurationError(f"{name}: an HTTP basic username cannot contain ':'")
            held[name] = (user, password if isinstance(password, Secret) else Secret(password))
        elif isinstance(value, Secret):
            held[name] = value
        elif isinstance(value, str) and value:
            held[name] = Secret(value)
        else:
            raise ConfigurationError(f"{name}: give {scheme.describe()} as a non-empty string")
    return held


def apply(
    operation_id: str,
    alternatives: Sequence[Sequence[str]],
    schemes: Mapping[str, SecurityScheme],
    held: Mapping[str, object],
    has_token: bool,
) -> Applied:
    """The credentials of the first alternative the client can meet (see the module docstring)."""
    anonymous = not alternatives
    for alternative in alternatives:
        if not alternative:
            anonymous = True
            continue
        if all(_available(name, schemes, held, has_token) for name in alternative):
            applied = Applied()
            for name in alternative:
                _apply(schemes[name], held.get(name), applied)
            return applied
    if anonymous:
        return Applied()
    needed = " or ".join(
        " and ".join(
            f"{name!r} ({schemes[name].describe()})" if name in schemes else repr(name) for name in alternative
        )
        for alternative in alternatives
    )
    raise ConfigurationError(f"{operation_id} needs credentials the client was not given: {needed}")


def _available(name: str, schemes: Mapping[str, SecurityScheme], held: Mapping[str, object], has_token: bool) -> bool:
    scheme = schemes.get(name)
    if scheme is None:
        return False
    return name in held or (scheme.bearer and has_token)


def _apply(scheme: SecurityScheme, credential: object, applied: Applied) -> None:
    if scheme.kind == "basic" and isinstance(credential, tuple):
        user, password = credential
        pair = f"{user}:{password.reveal()}".encode()
        applied.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif scheme.bearer:
        if isinstance(credential, Secret):
            applied.headers["Authorization"] = "Bearer " + credential.reveal()
        else:
            applied.uses_token = True
    elif isinstance(credential, Secret) and scheme.parameter:
        if scheme.location == "header":
            applied.headers[scheme.parameter] = credential.reveal()
        elif scheme.location == "query":
            applied.query.append((scheme.parameter, credential.reveal()))
        else:
            applied.cookies.append(f"{scheme.parameter}={cookie_text(credential.reveal())}")


publish(globals(), __all__)
