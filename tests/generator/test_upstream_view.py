"""generator.render.upstream_view: what openapi-python-client is given instead of the checked spec."""

from __future__ import annotations

import copy
from typing import Any

from generator.render.upstream_view import upstream_view

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
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
        }
    },
    "components": {
        "responses": {
            "Problem": {"description": "bad", "content": {"application/xml": {}, "application/problem+json": {}}}
        },
        "requestBodies": {"Upload": {"content": {"multipart/form-data": {}}}},
    },
}


def test_only_the_first_json_media_type_of_a_body_or_response_is_kept() -> None:
    view = upstream_view(SPEC)
    operation = view["paths"]["/trees"]["put"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert list(operation["responses"]["200"]["content"]) == ["application/json"]
    assert operation["responses"]["204"] == {"description": "none"}
    assert list(view["components"]["responses"]["Problem"]["content"]) == ["application/problem+json"]
    assert view["components"]["requestBodies"]["Upload"] == {"content": {"multipart/form-data": {}}}  # no JSON form


def test_tags_are_in_the_form_python_imports_them() -> None:
    assert upstream_view(SPEC)["paths"]["/trees"]["put"]["tags"] == ["file", "Full"]


def test_the_checked_spec_is_left_as_it_is() -> None:
    before = copy.deepcopy(SPEC)
    upstream_view(SPEC)
    assert before == SPEC
