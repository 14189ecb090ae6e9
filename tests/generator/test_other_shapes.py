"""Shapes of OpenAPI the audit spec does not use generate a working client: tests/fixtures/specs/shapes-api.yaml.

Generated with the real command, the package must import, pass mypy --strict and read each kind of
response correctly against a loopback server: no body (204) as None, text/plain as str, bytes as a File,
a body offered as JSON among other media types sent as JSON, and an operation that documents only a
`default` response decoded with it. Before, 204 and text responses raised DecodingError (every body
was decoded as JSON) and the default-only operation raised on every status.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.generator_runs import assert_mypy_strict_clean, generate_client, run_in_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response

SPEC = Path(__file__).parents[1] / "fixtures" / "specs" / "shapes-api.yaml"
PACKAGE = "shapes_trees_api"


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_client(SPEC, tmp_path_factory.mktemp("shapes"))


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def test_names_and_version_come_from_the_spec(shapes: Path) -> None:
    assert (shapes / PACKAGE / "__init__.py").is_file()  # "Shäpes & Trees — API": accents folded, symbols dropped
    project = tomllib.loads((shapes / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (project["name"], project["version"]) == ("shapes-trees-api", "v2")
    client = (shapes / PACKAGE / "client.py").read_text(encoding="utf-8")
    assert 'DEFAULT_BASE_URL = "https://eu.shapes.example.test/v2"' in client  # server variables at their defaults


def test_every_module_imports_and_mypy_strict_is_clean(shapes: Path) -> None:
    code = f"import importlib, pkgutil, {PACKAGE} as p\n"
    code += f"names = [m.name for m in pkgutil.walk_packages(p.__path__, '{PACKAGE}.')]\n"
    code += "[importlib.import_module(n) for n in names]\n[getattr(p, n) for n in p.__all__]\nprint(len(names))"
    assert int(run_in_client(shapes, code)) >= 30
    assert_mypy_strict_clean(shapes, PACKAGE)


def test_the_readme_lists_every_operation_once(shapes: Path) -> None:
    readme = (shapes / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and f"`{PACKAGE}.api." in line]
    modules = sorted(line.split("`")[1].rsplit(".", 1)[1] for line in rows)
    assert modules == sorted(
        [
            "get_tree",
            "replace_tree",
            "list_shapes",
            "post_strict",
            "get_number",
            "get_health",
            "get_logo",
            "end_session",
        ]
    )
    assert "| Gets a tree ✓ — with a \\| pipe |" in readme


_EXERCISE = f"""
import json, sys
from {PACKAGE} import Client
from {PACKAGE}.api.default import end_session, get_logo
from {PACKAGE}.api.health import get_health
from {PACKAGE}.api.trees_forests import get_tree, replace_tree
from {PACKAGE}.models import Node

client = Client(base_url=sys.argv[1], access_token="shape-token")
tree = get_tree.sync("oak", client=client)
replaced = replace_tree.sync("oak", client=client, body=Node(name="elm"))
detailed = replace_tree.sync_detailed("oak", client=client, body=Node(name="elm"))
health = get_health.sync(client=client)
logo = get_logo.sync(client=client)
ended = end_session.sync(client=client)
print(json.dumps({{
    "tree": [tree.name, [child.name for child in tree.children]],
    "replaced": replaced, "detailed": [detailed.status_code, detailed.parsed],
    "health": health, "logo": [type(logo).__name__, logo.hex()],
    "ended": [type(ended).__name__, ended.id],
}}))
"""


def test_each_kind_of_response_is_read_as_it_is_sent(shapes: Path, server: ScriptedServer) -> None:
    server.enqueue("GET", "/trees/oak", json_response(200, {"name": "oak", "children": [{"name": "acorn"}]}))
    server.set_default("PUT", "/trees/oak", Canned(204))
    server.enqueue("GET", "/health", Canned(200, b"OK", {"Content-Type": "text/plain"}))
    server.enqueue("GET", "/logo", Canned(200, b"\x89PNG\x00", {"Content-Type": "application/octet-stream"}))
    server.enqueue("DELETE", "/session", json_response(200, {"id": "session-1"}))

    seen = json.loads(run_in_client(shapes, _EXERCISE, server.base_url))

    assert seen == {
        "tree": ["oak", ["acorn"]],
        "replaced": None,
        "detailed": [204, None],
        "health": "OK",
        "logo": ["bytes", "89504e4700"],
        "ended": ["Base", "session-1"],
    }
    put = server.requests_to("/trees/oak", "PUT")[0]
    assert put.headers["Content-Type"] == "application/json" and put.json() == {"name": "elm"}
    assert put.headers["Authorization"] == "Bearer shape-token"
