"""generator.render.upstream_view: what openapi-python-client is given instead of the checked spec."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from generator.inputs.spec_check import check_spec
from generator.render.upstream_view import upstream_view

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Trees", "version": "1.0.0"},
    "paths": {
        "/trees": {
            "parameters": [],
            "put": {
                "tags": ["\ufb01le", "\uff26\uff55\uff4c\uff4c"],  # a ligature, full-width letters
                "requestBody": {
                    "content": {
                        "application/xml": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"type": "object"}},
                        "application/vnd.tree+json": {"schema": {"type": "object"}},
                    }
                },
                "responses": {
                    "200": {"description": "ok", "content": {"text/plain": {}, "application/json": {}}},
                    "204": {"description": "none"},
                    "400": {"$ref": "#/components/responses/Problem"},
                },
            },
            "post": {
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "parameters": [
                    {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}
                ],
                "responses": {
                    "200": {"description": "a picture", "content": {"image/png": {}, "image/jpeg": {}}},
                    "201": {"description": "a table", "content": {"text/csv": {"schema": {"type": "array"}}}},
                },
            },
            "patch": {
                "requestBody": {"content": {"image/png": {}}},
                "responses": {"204": {"description": "none"}},
            },
        }
    },
    "components": {
        "responses": {
            "Problem": {"description": "bad", "content": {"application/xml": {}, "application/problem+json": {}}}
        },
        "requestBodies": {"Upload": {"content": {"multipart/form-data": {}}}},
    },
}


def _view(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "trees.yaml"
    path.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    return upstream_view(check_spec(path))


def test_only_the_media_type_the_client_sends_or_reads_is_kept(tmp_path: Path) -> None:
    view = _view(tmp_path)
    put = view["paths"]["/trees"]["put"]
    assert list(put["requestBody"]["content"]) == ["application/json"]
    assert list(put["responses"]["200"]["content"]) == ["application/json"]
    assert put["responses"]["204"] == {"description": "none"}
    assert list(view["components"]["responses"]["Problem"]["content"]) == ["application/problem+json"]
    assert view["components"]["requestBodies"]["Upload"] == {"content": {"multipart/form-data": {}}}  # not used


def test_text_and_binary_bodies_and_responses_are_shown_as_upstream_reads_them(tmp_path: Path) -> None:
    view = _view(tmp_path)
    post, patch = view["paths"]["/trees"]["post"], view["paths"]["/trees"]["patch"]
    # A text body is a JSON string (the function takes a str), a binary one octet-stream (it takes a File).
    assert post["requestBody"]["content"] == {"application/json": {"schema": {"type": "string"}}}
    assert patch["requestBody"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    assert post["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    assert post["responses"]["201"]["content"] == {"text/plain": {"schema": {"type": "string"}}}
    # A parameter given as JSON content gets that content's schema.
    assert post["parameters"] == [{"name": "filter", "in": "query", "schema": {"type": "object"}}]


def test_operations_carry_their_python_names(tmp_path: Path) -> None:
    operations = _view(tmp_path)["paths"]["/trees"]
    assert [operations[method]["operationId"] for method in ("put", "post", "patch")] == [
        "put_trees",
        "post_trees",
        "patch_trees",
    ]


def test_tags_are_in_the_form_python_imports_them(tmp_path: Path) -> None:
    assert _view(tmp_path)["paths"]["/trees"]["put"]["tags"] == ["file", "Full"]


def test_the_checked_spec_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "trees.yaml"
    path.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    checked = check_spec(path)
    before = copy.deepcopy(checked.data)
    upstream_view(checked)
    assert before == checked.data
