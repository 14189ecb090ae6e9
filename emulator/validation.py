"""Checks requests and responses against spec/audit-api.yaml with openapi-core.

The emulator validates what it receives and what it sends so it cannot
drift from the spec.  Paths are matched against the spec's own server URL,
whatever host the emulator runs on.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
from typing import Any, Final

from jsonschema_path import SchemaPath
from openapi_core import V31RequestValidator, V31ResponseValidator
from openapi_core.datatypes import RequestParameters
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from werkzeug.datastructures import Headers, ImmutableMultiDict

from emulator.messages import Request, Response
from generator import spec as spec_module

__all__ = ["SPEC_PATH", "SpecValidator", "load_spec"]

SPEC_PATH: Final = pathlib.Path(__file__).resolve().parent.parent / "spec" / "audit-api.yaml"
_SPEC_HOST: Final = "https://api.mypurecloud.com"
_MAX_MESSAGE: Final = 600


class _BearerPresent(BaseProvider):
    """The emulator checks tokens itself; validation only needs no warning."""

    def __call__(self, parameters: RequestParameters) -> Any:
        return parameters.header.get("Authorization")


def _security_factory() -> SecurityProviderFactory:
    factory = SecurityProviderFactory()
    factory.PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "oauth2": _BearerPresent}
    return factory


@dataclasses.dataclass
class _Request:
    method: str
    path: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters
    host_url: str = _SPEC_HOST


@dataclasses.dataclass
class _Response:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes | None


@functools.cache
def load_spec(path: pathlib.Path = SPEC_PATH) -> dict[str, Any]:
    """The spec as a plain dict (cached), read as the generator reads it (generator.spec)."""
    return spec_module.load_spec(path).data


class SpecValidator:
    """Validates one emulated exchange at a time; thread-safe."""

    def __init__(self, path: pathlib.Path = SPEC_PATH) -> None:
        spec = SchemaPath.from_dict(load_spec(path))
        self._requests = V31RequestValidator(spec, security_provider_factory=_security_factory())
        self._responses = V31ResponseValidator(spec)

    @staticmethod
    def _request(request: Request, *, with_body: bool = True) -> _Request:
        return _Request(
            method=request.method.lower(),
            path=request.path,
            body=(request.body or None) if with_body else None,
            content_type=request.headers.get("content-type", "").lower(),
            parameters=RequestParameters(
                query=ImmutableMultiDict(request.query),
                header=Headers(list(request.headers.items())),
                cookie=ImmutableMultiDict(),
            ),
        )

    def request_errors(self, request: Request) -> list[str]:
        """What is wrong with a request, per the spec (empty: nothing)."""
        return [_describe(e) for e in self._requests.iter_errors(self._request(request))]

    def response_errors(self, request: Request, response: Response) -> list[str]:
        """What is wrong with a response to a request, per the spec."""
        answer = _Response(
            status_code=response.status,
            content_type=response.headers.get("Content-Type", "").lower(),
            headers=Headers(list(response.headers.items())),
            data=response.body,
        )
        return [_describe(e) for e in self._responses.iter_errors(self._request(request, with_body=False), answer)]


def _describe(error: Exception) -> str:
    """A short account of a validation error: its kind and schema messages."""
    parts = [f"{type(error).__name__}: {str(error)[:100]}"]
    cause: BaseException | None = error
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.extend(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema_errors)
            break
        cause = cause.__cause__
    else:
        parts.append(str(error))
    return "; ".join(parts)[:_MAX_MESSAGE]
