"""generator.inputs.runtime_support: what each operation sends, and the operations left out because the runtime
core cannot send what they need.

An operation the core cannot serve is left out with a warning at its place (never generated into a function that
silently drops a parameter, sends a file as JSON or an API key as a bearer token); --strict refuses it instead.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import GenerationError
from generator.inputs.runtime_support import is_json
from generator.inputs.spec_check import CheckedSpec, check_spec
from generator.notices import Notices

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1.0.0"},
    "servers": [{"url": "https://pets.example.test"}],
    "paths": {
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {
                "operationId": "updatePet",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"204": {"description": "updated"}},
            },
        }
    },
    "components": {
        "securitySchemes": {
            "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x.test/t", "scopes": {}}}},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
        }
    },
}


def _write(tmp_path: Path, edit: Any) -> Path:
    spec = copy.deepcopy(BASE)
    edit(spec)
    path = tmp_path / "pets.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _check(tmp_path: Path, edit: Any, *, strict: bool = False) -> tuple[CheckedSpec | None, list[str]]:
    """The checked spec (None when refused) and what was said: each notice and warning, or the error's lines."""
    notices = Notices(strict=strict)
    try:
        checked = check_spec(_write(tmp_path, edit), notices=notices)
    except GenerationError as error:
        return None, str(error).splitlines()
    return checked, [str(notice) for notice in notices.items]


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/pets/{petId}"]["post"]
    return operation


def _line(tmp_path: Path, needle: str) -> int:
    return next(i for i, line in enumerate((tmp_path / "pets.yaml").read_text().splitlines(), 1) if needle in line)


KEY = ("/pets/{petId}", "post")


def _assert_left_out_once(checked: CheckedSpec | None, said: list[str], message: str) -> None:
    """The operation was left out, with one warning that holds `message`."""
    assert checked is not None and KEY in checked.omitted
    assert len(said) == 1 and message in said[0], said


@pytest.mark.parametrize("where", ["header", "cookie"])
def test_header_and_cookie_parameters_are_sent(tmp_path: Path, where: str) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["parameters"] = [{"name": "X-Trace", "in": where, "schema": {"type": "string"}}]

    checked, said = _check(tmp_path, edit)
    assert checked is not None and KEY not in checked.omitted and not said, said


@pytest.mark.parametrize(
    ("content", "chosen", "kind"),
    [
        (
            {"application/xml": {"schema": {"type": "object"}}, "application/json": {"schema": {"type": "object"}}},
            "application/json",
            "json",
        ),
        ({"multipart/form-data": {"schema": {"type": "object"}}}, "multipart/form-data", "multipart"),
        (
            {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
            "application/x-www-form-urlencoded",
            "form",
        ),
        (
            {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "application/octet-stream",
            "binary",
        ),
        ({"image/png": {}}, "image/png", "binary"),
        ({"text/plain": {"schema": {"type": "string"}}, "application/octet-stream": {}}, "text/plain", "text"),
        ({"application/vnd.api+json": {"schema": {"type": "object"}}}, "application/vnd.api+json", "json"),
    ],
)
def test_the_body_media_type_the_client_sends(tmp_path: Path, content: dict[str, Any], chosen: str, kind: str) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["requestBody"] = {"content": content}

    checked, said = _check(tmp_path, edit)
    assert checked is not None, said
    body = checked.bodies[KEY]
    assert (body.media_type, body.kind) == (chosen, kind)


def test_a_body_the_client_cannot_write_leaves_the_operation_out_with_a_warning(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["requestBody"] = {"content": {"application/xml": {"schema": {"type": "object"}}}}

    checked, said = _check(tmp_path, edit)
    assert checked is not None and KEY in checked.omitted
    assert said == [
        f"warning: {tmp_path / 'pets.yaml'}:{_line(tmp_path, 'application/xml:') - 1}: at "
        "/paths/~1pets~1{petId}/post/requestBody/content: POST /pets/{petId} is left out: a request body of type "
        "application/xml whose schema the client cannot write in that format"
    ], said


def test_strict_refuses_what_would_be_left_out(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["requestBody"] = {"content": {"application/xml": {"schema": {"type": "object"}}}}

    checked, said = _check(tmp_path, edit, strict=True)
    assert checked is None
    assert len(said) == 1 and said[0].endswith("cannot write in that format (--strict refuses it)"), said
    assert (
        f"pets.yaml:{_line(tmp_path, 'application/xml:') - 1}: at /paths/~1pets~1{{petId}}/post/requestBody" in said[0]
    )


@pytest.mark.parametrize(
    ("security", "served"),
    [
        ([{"oauth": []}], True),
        ([{"bearer": []}], True),
        ([{"key": []}], True),
        ([{"basic": []}], True),
        ([{"oauth": [], "key": []}], True),  # both at once
        ([{}, {"tls": []}], True),  # authentication is optional
        ([{"tls": []}, {"key": []}], True),  # an alternative the core can send
        ([{"tls": []}], False),
        ([{"digest": []}], False),
        ([{"digest": [], "key": []}], False),  # the one alternative needs both
    ],
)
def test_security_needs_one_alternative_the_core_can_send(
    tmp_path: Path, security: list[dict[str, list[str]]], served: bool
) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["securitySchemes"]["tls"] = {"type": "mutualTLS"}
        spec["components"]["securitySchemes"]["digest"] = {"type": "http", "scheme": "digest"}
        _operation(spec)["security"] = security

    checked, said = _check(tmp_path, edit)
    assert checked is not None
    assert (KEY not in checked.omitted) is served, said
    if not served:
        assert len(said) == 1 and "at /paths/~1pets~1{petId}/post/security: POST /pets/{petId} is left out" in said[0]
        assert "which the runtime core cannot send" in said[0], said


def test_security_for_the_whole_spec_is_named_at_the_root(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["securitySchemes"]["tls"] = {"type": "mutualTLS"}
        spec["security"] = [{"tls": []}]

    checked, said = _check(tmp_path, edit)
    _assert_left_out_once(
        checked, said, "at /security: POST /pets/{petId} is left out: every security requirement needs 'tls'"
    )


def test_an_undefined_security_scheme_cannot_be_met(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["security"] = [{"petstore_auth": []}]

    checked, said = _check(tmp_path, edit)
    _assert_left_out_once(
        checked,
        said,
        (
            "at /paths/~1pets~1{petId}/post/security: POST /pets/{petId} is left out: every security requirement needs "
            "'petstore_auth' (not defined in components/securitySchemes)"
        ),
    )

    def with_another(spec: dict[str, Any]) -> None:
        _operation(spec)["security"] = [{"petstore_auth": []}, {"key": []}]

    checked, said = _check(tmp_path, with_another)
    assert checked is not None and KEY not in checked.omitted and not said, said


@pytest.mark.parametrize(
    ("media", "json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("application/problem+json", True),
        ("application/xml", False),
        ("text/json", False),
        ("multipart/form-data", False),
    ],
)
def test_json_media_types(media: str, json: bool) -> None:
    assert is_json(media) is json


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"additionalProperties": {"type": "string"}},
        {"type": "array", "items": {"type": "string"}},
        {"type": "integer"},
    ],
)
def test_query_parameters_of_values_objects_and_arrays_are_sent(tmp_path: Path, schema: dict[str, Any]) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["parameters"] = [{"name": "tags", "in": "query", "schema": schema, "style": "form"}]

    checked, said = _check(tmp_path, edit)
    assert checked is not None and KEY not in checked.omitted and not said, said


def test_an_array_of_objects_has_no_serialisation_and_leaves_the_operation_out(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"] = {"Tag": {"type": "object", "properties": {"name": {"type": "string"}}}}
        _operation(spec)["parameters"] = [
            {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}
        ]

    checked, said = _check(tmp_path, edit)
    _assert_left_out_once(
        checked,
        said,
        (
            "at /paths/~1pets~1{petId}/post/parameters/0/schema: POST /pets/{petId} is left out: query parameter 'tags' "
            "is an array of objects, which OpenAPI gives no way to serialise"
        ),
    )
