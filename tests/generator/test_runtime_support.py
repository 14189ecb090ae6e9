"""generator.inputs.runtime_support: a spec asking for what the runtime core cannot send is refused at its place.

Without the check these generated a client that imported and type-checked, and then silently left a
header parameter out, sent a file upload as JSON, or sent an API key as a bearer token.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.errors import GenerationError
from generator.inputs.runtime_support import is_json
from generator.inputs.spec_check import check_spec

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


def _check(tmp_path: Path, edit: Any) -> str | None:
    spec = copy.deepcopy(BASE)
    edit(spec)
    path = tmp_path / "pets.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    try:
        check_spec(path)
    except GenerationError as error:
        return str(error)
    return None


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/pets/{petId}"]["post"]
    return operation


def _line(tmp_path: Path, needle: str) -> int:
    return next(i for i, line in enumerate((tmp_path / "pets.yaml").read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("where", ["header", "cookie"])
def test_a_header_or_cookie_parameter_is_refused(tmp_path: Path, where: str) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["parameters"] = [{"name": "X-Trace", "in": where, "schema": {"type": "string"}}]

    message = _check(tmp_path, edit)
    assert message == (
        f"{tmp_path / 'pets.yaml'}:{_line(tmp_path, '- name: X-Trace')}: at /paths/~1pets~1{{petId}}/post/parameters/0: "
        f"{where} parameter 'X-Trace' cannot be sent: the runtime core sends path and query parameters, a JSON body "
        "and a bearer token, so updatePet would silently leave it out"
    ), message


def test_a_path_level_header_parameter_is_refused_where_it_is_written(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["paths"]["/pets/{petId}"]["parameters"].append({"name": "X-Tenant", "in": "header", "schema": {}})

    message = _check(tmp_path, edit)
    assert message is not None and "at /paths/~1pets~1{petId}/parameters/1: header parameter 'X-Tenant'" in message


@pytest.mark.parametrize(
    "media", ["multipart/form-data", "application/octet-stream", "application/x-www-form-urlencoded"]
)
def test_a_body_without_a_json_form_is_refused(tmp_path: Path, media: str) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["requestBody"] = {"content": {media: {"schema": {"type": "string", "format": "binary"}}}}

    message = _check(tmp_path, edit)
    assert message is not None, media
    assert (
        f"at /paths/~1pets~1{{petId}}/post/requestBody/content: a request body of type {media} cannot be sent"
        in message
    )


def test_a_body_that_also_offers_json_passes(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["requestBody"]["content"]["application/xml"] = {"schema": {"type": "object"}}

    assert _check(tmp_path, edit) is None


@pytest.mark.parametrize(
    ("security", "passes"),
    [
        ([{"oauth": []}], True),
        ([{"bearer": []}], True),
        ([{"key": []}, {"bearer": []}], True),  # an alternative the core can send
        ([{}, {"key": []}], True),  # authentication is optional
        ([{"key": []}], False),
        ([{"basic": []}], False),
        ([{"oauth": [], "key": []}], False),  # both at once
    ],
)
def test_security_needs_one_requirement_a_bearer_token_meets(
    tmp_path: Path, security: list[dict[str, list[str]]], passes: bool
) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["security"] = security

    message = _check(tmp_path, edit)
    if passes:
        assert message is None, message
    else:
        assert message is not None
        assert "at /paths/~1pets~1{petId}/post/security: every security requirement needs" in message, message
        assert "which the runtime core cannot send: it authenticates with a bearer token only" in message


def test_an_api_key_for_the_whole_spec_is_named_once_at_the_root(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["security"] = [{"key": []}]

    message = _check(tmp_path, edit)
    assert message is not None and len(message.splitlines()) == 1, message
    assert "at /security: every security requirement needs 'key' (an API key in the header 'X-Api-Key')" in message


def test_an_undefined_security_scheme_is_named(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["security"] = [{"petstore_auth": []}]

    message = _check(tmp_path, edit)
    assert message is not None
    assert "names the security scheme 'petstore_auth', which components/securitySchemes does not define" in message


@pytest.mark.parametrize(
    ("media", "json"),
    [("application/json", True), ("application/json; charset=utf-8", True), ("application/problem+json", True),
     ("application/xml", False), ("text/json", False), ("multipart/form-data", False)],
)  # fmt: skip
def test_json_media_types(media: str, json: bool) -> None:
    assert is_json(media) is json


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "an object"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}, "an array of objects"),
        ({"additionalProperties": {"type": "string"}}, "an object"),
    ],
)
def test_a_query_parameter_of_objects_is_refused_at_its_schema(
    tmp_path: Path, schema: dict[str, Any], kind: str
) -> None:
    def edit(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"] = {"Tag": {"type": "object", "properties": {"name": {"type": "string"}}}}
        _operation(spec)["parameters"] = [{"name": "tags", "in": "query", "schema": schema}]

    message = _check(tmp_path, edit)
    assert (
        message is not None
        and (
            f"at /paths/~1pets~1{{petId}}/post/parameters/0/schema: query parameter 'tags' is {kind}, which cannot be "
            "sent: the runtime core sends a parameter as a string, number or boolean, or an array of them"
        )
        in message
    ), message


def test_query_parameters_of_values_and_arrays_of_values_pass(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        _operation(spec)["parameters"] = [
            {"name": "names", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        ]

    assert _check(tmp_path, edit) is None
