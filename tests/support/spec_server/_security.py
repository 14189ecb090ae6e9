"""Credentials as the spec's security schemes carry them, and whether an operation got its due.

The server is told the one secret it accepts for each scheme (an API key, a user and password,
a token). A request passes when one of the operation's requirements is met in full with exactly
those secrets (the empty requirement `{}` always is). Credentials of a scheme the operation does
not name are a problem too: a client that sends every secret everywhere leaks them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.support.spec_server._document import Operation

__all__ = ["Credential", "SchemeCheck", "check_security", "credential_names"]

Credential = str | tuple[str, str]


@dataclass(frozen=True)
class SchemeCheck:
    scheme: str
    sent: Credential | None  # what the request carried for it (None: nothing)


def _authorization(headers: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    values = [value for key, value in headers if key.lower() == "authorization"]
    if not values:
        return None
    kind, _, rest = values[0].partition(" ")
    return kind.lower(), rest.strip()


def _sent(
    scheme: Mapping[str, Any],
    headers: Sequence[tuple[str, str]],
    query: Sequence[tuple[str, str]],
    cookies: Sequence[tuple[str, str]],
) -> Credential | None:
    kind = scheme.get("type")
    if kind == "apiKey":
        name, location = scheme.get("name", ""), scheme.get("in")
        source = {"header": headers, "query": query, "cookie": cookies}.get(str(location), [])
        match = [v for k, v in source if (k.lower() == name.lower() if location == "header" else k == name)]
        return match[0] if match else None
    authorization = _authorization(headers)
    if authorization is None:
        return None
    auth_kind, value = authorization
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        if auth_kind != "basic":
            return None
        try:
            user, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return ("<not base64>", value)
        return (user, password)
    if auth_kind == "bearer":  # http bearer, oauth2, openIdConnect
        return value
    return None


def credential_names(operation: Operation) -> set[str]:
    return {name for requirement in operation.security or () for name in requirement}


def check_security(
    operation: Operation,
    schemes: Mapping[str, Mapping[str, Any]],
    expected: Mapping[str, Credential],
    headers: Sequence[tuple[str, str]],
    query: Sequence[tuple[str, str]],
    cookies: Sequence[tuple[str, str]],
) -> tuple[dict[str, Credential], list[str]]:
    """What credentials came, by scheme, and what is wrong (missing, wrong or unasked-for)."""
    sent = {
        name: value for name, scheme in schemes.items() if (value := _sent(scheme, headers, query, cookies)) is not None
    }
    problems: list[str] = []
    requirements = list(operation.security or ())
    accepted = credential_names(operation)
    # A credential is unasked-for only if no accepted scheme reads from the same place (two bearer schemes share one header).
    for name in sent:
        if name in accepted:
            continue
        if _shares_carrier(name, accepted, schemes):
            continue
        problems.append(f"credentials of security scheme {name!r} were sent to an operation that does not accept them")
    if not requirements:
        return sent, problems
    failures = []
    for requirement in requirements:
        missing = [name for name in requirement if sent.get(name) is None]
        wrong = [name for name in requirement if name not in missing and sent[name] != expected.get(name)]
        if not missing and not wrong:
            return sent, problems
        failures.append(
            "{"
            + ", ".join(requirement)
            + "}: "
            + "; ".join(
                [
                    *(f"{n} missing" for n in missing),
                    *(f"{n} sent {_shown(sent[n])}, expected {_shown(expected.get(n))}" for n in wrong),
                ]
            )
        )
    problems.append("no security requirement is met: " + " | ".join(failures))
    return sent, problems


def _shares_carrier(name: str, accepted: set[str], schemes: Mapping[str, Mapping[str, Any]]) -> bool:
    """Two schemes read from the same place (an Authorization header, one API key name) cannot be told apart."""
    carrier = _carrier(schemes[name])
    return any(_carrier(schemes[other]) == carrier for other in accepted if other in schemes)


def _carrier(scheme: Mapping[str, Any]) -> tuple[str, str]:
    if scheme.get("type") == "apiKey":
        location = str(scheme.get("in"))
        name = str(scheme.get("name"))
        return (location, name.lower() if location == "header" else name)
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return ("header", "authorization:basic")
    return ("header", "authorization:bearer")


def _shown(value: Credential | None) -> str:
    """A credential as a problem may show it: its length, never its text."""
    if value is None:
        return "nothing"
    if isinstance(value, tuple):
        return f"user {value[0]!r} and a password of {len(value[1])} characters"
    return f"a value of {len(value)} characters"
