"""`python -m generator release` and the release step of `check`, on copies of the real inputs.

The wire rules are tested on small specs (no generation); the Python API diff on a real template edit
(a renamed keyword argument with no spec change); check on a wording edit that was not released, a
hand-edited version and a hand-edited changelog.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import settings
from generator.cli import main
from generator.inputs.files import Inputs
from generator.release import Level
from generator.release._python_api import python_changes
from generator.release._release import check_release, plan_release
from generator.release._version import next_version
from generator.release._wire import WireNames, wire_surface
from generator.release._wire_changes import wire_changes
from generator.spec import SpecDocument

REPO = settings.REPO_ROOT
RELEASED = json.loads((REPO / "spec" / "audit-api.released.json").read_text(encoding="utf-8"))["version"]
NAMES = WireNames(lambda name: name.lower(), lambda name: name)


def _spec(parameters: list[dict[str, Any]], body: dict[str, Any] | None = None, **extra: Any) -> SpecDocument:
    operation: dict[str, Any] = {"operationId": "listThings", "parameters": parameters, "responses": {}, **extra}
    schemas = {"Thing": body or {"type": "object", "properties": {"name": {"type": "string"}}}}
    operation["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
    }
    data = {"openapi": "3.1.0", "paths": {"/things": {"post": operation}}, "components": {"schemas": schemas}}
    return SpecDocument(Path("spec.yaml"), data, {})


def _levels(old: SpecDocument, new: SpecDocument) -> set[tuple[Level, str]]:
    return {(c.level, c.section) for c in wire_changes(wire_surface(old, NAMES), wire_surface(new, NAMES))}


OPTIONAL = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
REQUIRED = {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}}
ENUM = {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (_spec([OPTIONAL]), _spec([]), {(Level.BREAKING, "Removed")}),
        (_spec([]), _spec([OPTIONAL]), {(Level.FEATURE, "Added")}),
        (_spec([]), _spec([REQUIRED]), {(Level.BREAKING, "Changed")}),
        (_spec([OPTIONAL]), _spec([REQUIRED]), {(Level.BREAKING, "Changed")}),
        (_spec([OPTIONAL]), _spec([{**OPTIONAL, "schema": {"type": "string"}}]), {(Level.BREAKING, "Changed")}),
        (_spec([OPTIONAL]), _spec([{**OPTIONAL, "description": "How many."}]), {(Level.PATCH, "Changed")}),
        (
            _spec([OPTIONAL]),
            _spec([{**OPTIONAL, "schema": {"type": "integer", "default": 5}}]),
            {(Level.BREAKING, "Changed")},
        ),
        (
            _spec([ENUM]),
            _spec([{**ENUM, "schema": {"type": "string", "enum": ["asc"]}}]),
            {(Level.BREAKING, "Removed")},
        ),
        (
            _spec([ENUM]),
            _spec([{**ENUM, "schema": {"type": "string", "enum": ["asc", "desc", "x"]}}]),
            {(Level.FEATURE, "Added")},
        ),
        (_spec([]), _spec([], summary="Lists things."), {(Level.PATCH, "Changed")}),
        (_spec([]), _spec([], deprecated=True), {(Level.FEATURE, "Deprecated")}),
        # A request body field: a new required one breaks callers, a new optional one does not.
        (
            _spec([]),
            _spec(
                [],
                {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"name": {"type": "string"}, "id": {"type": "string"}},
                },
            ),
            {(Level.BREAKING, "Changed")},
        ),
        (
            _spec([]),
            _spec([], {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}}}),
            {(Level.FEATURE, "Added")},
        ),
        (_spec([]), _spec([], {"type": "object", "properties": {}}), {(Level.BREAKING, "Removed")}),
        (
            _spec([]),
            _spec([], {"type": "object", "properties": {"name": {"type": "integer"}}}),
            {(Level.BREAKING, "Changed")},
        ),
    ],
)
def test_wire_rules(old: SpecDocument, new: SpecDocument, expected: set[tuple[Level, str]]) -> None:
    assert _levels(old, new) == expected


def test_an_unchanged_spec_has_no_wire_change() -> None:
    spec = SpecDocument(settings.SPEC_FILE, __import__("yaml").safe_load(settings.SPEC_FILE.read_text()), {})
    assert wire_changes(wire_surface(spec, NAMES), wire_surface(spec, NAMES)) == []


@pytest.mark.parametrize(
    ("current", "level", "expected"),
    [
        ("0.4.2", Level.BREAKING, "0.5.0"),
        ("0.4.2", Level.FEATURE, "0.5.0"),
        ("0.4.2", Level.PATCH, "0.4.3"),
        ("1.4.2", Level.BREAKING, "2.0.0"),
        ("1.4.2", Level.FEATURE, "1.5.0"),
        ("1.4.2", Level.PATCH, "1.4.3"),
        ("2.0.0rc1", Level.BREAKING, "2.0.0"),
    ],
)
def test_next_version(current: str, level: Level, expected: str) -> None:
    assert next_version(current, level) == expected


def _function(*parameters: list[Any], returns: str = "str") -> dict[str, Any]:
    return {"kind": "function", "parameters": [list(p) for p in parameters], "returns": returns}


def test_python_rules() -> None:
    """griffe's judgement on rebuilt surfaces, and the annotations it leaves to us."""
    client = ["client", "keyword-only", "Client", None]
    old = {"pkg": {"kind": "module"}, "pkg.f": _function(client, ["page_size", "keyword-only", "int", "25"])}
    renamed = {"pkg": {"kind": "module"}, "pkg.f": _function(client, ["size", "keyword-only", "int", "25"])}
    assert {(c.level, c.section) for c in python_changes(old, renamed)} == {
        (Level.BREAKING, "Removed"),
        (Level.FEATURE, "Added"),
    }
    narrower = {
        "pkg": {"kind": "module"},
        "pkg.f": _function(client, ["page_size", "keyword-only", "int", "25"], returns="str | None"),
    }
    assert [c.level for c in python_changes(old, narrower)] == [Level.BREAKING]
    assert [c.level for c in python_changes(narrower, old)] == [Level.PATCH]
    removed = {"pkg": {"kind": "module"}}
    assert [(c.level, c.text) for c in python_changes(old, removed)] == [(Level.BREAKING, "`pkg.f`")]
    added = {**old, "pkg.g": _function()}
    assert [(c.level, c.text) for c in python_changes(old, added)] == [(Level.FEATURE, "`pkg.g`")]


# End to end, on a copy of the real inputs.


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """spec/ (with its release records) and templates/ copied; generate the copy into tmp/out first."""
    for name in ("audit-api.yaml", "audit-api.toml", "audit-api.changelog.toml", "audit-api.released.json"):
        shutil.copyfile(REPO / "spec" / name, tmp_path / name)
    shutil.copytree(settings.TEMPLATES_DIR, tmp_path / "templates")
    return tmp_path


def _args(work: Path) -> list[str]:
    return [
        "--spec",
        str(work / "audit-api.yaml"),
        "--templates",
        str(work / "templates"),
        "--output",
        str(work / "out"),
    ]


def _inputs(work: Path) -> Inputs:
    return Inputs(spec=work / "audit-api.yaml", templates=work / "templates")


def test_a_template_renaming_a_keyword_is_breaking(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No spec change: the wire diff sees nothing, the Python API diff sees the renamed keyword."""
    templates = sorted((workspace / "templates").glob("*.jinja"))  # the keyword and every use of it
    assert sum(path.read_text(encoding="utf-8").count("request_options") for path in templates) > 3
    for path in templates:
        path.write_text(path.read_text(encoding="utf-8").replace("request_options", "call_options"), encoding="utf-8")
    assert main(["generate", *_args(workspace)]) == 0
    outcome = plan_release(_inputs(workspace), workspace / "out")
    assert outcome.wire == ()
    assert outcome.python_level is Level.BREAKING
    assert outcome.version == next_version(RELEASED, Level.BREAKING)
    removed = [c.text for c in outcome.python if c.level is Level.BREAKING]
    assert any(
        "get_audits_query_transaction_id_results.sync()` no longer takes `request_options`" in t for t in removed
    )
    changelog = outcome.sections()
    assert any(line.startswith("**Breaking:**") and "request_options" in line for line in changelog["Removed"])
    capsys.readouterr()
    assert main(["check", *_args(workspace)]) == 1
    assert "not released" in capsys.readouterr().err


@pytest.mark.slow
def test_check_fails_on_an_unreleased_change_and_passes_once_released(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = workspace / "audit-api.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("summary: Get results of audit query", "summary: Get the results of an audit query"))
    assert main(["generate", *_args(workspace)]) == 0
    capsys.readouterr()
    assert main(["check", *_args(workspace)]) == 1
    err = capsys.readouterr().err
    patch = next_version(RELEASED, Level.PATCH)
    assert f"1 change(s) since release {RELEASED} are not released (release would make {patch})" in err
    assert "summary now reads \u201cGet the results of an audit query\u201d" in err
    # release refuses a tree that was not generated from the inputs as they are
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# a comment\n")
    assert main(["release", *_args(workspace), "--commit", "0" * 40]) == 2
    assert "run `python -m generator generate` first" in capsys.readouterr().err
    assert main(["generate", *_args(workspace)]) == 0
    assert main(["release", *_args(workspace), "--commit", "a" * 40, "--date", "2026-12-07"]) == 0
    assert f"released {patch} (was {RELEASED}; wire: patch, Python API: no change)" in capsys.readouterr().out
    assert f'version = "{patch}"' in (workspace / "audit-api.toml").read_text(encoding="utf-8")
    changelog = (workspace / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {patch} - 2026-12-07\n\nFollows commit aaaaaaaaaaaa. Fixes and wording only." in changelog
    assert main(["check", *_args(workspace)]) == 0
    # nothing more to release
    assert main(["release", *_args(workspace), "--commit", "b" * 40]) == 0
    assert f"nothing to release: {patch} is current" in capsys.readouterr().out
    # a hand-edited version or changelog
    config = workspace / "audit-api.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(f'"{patch}"', '"9.0.0"'), encoding="utf-8")
    problems = check_release(_inputs(workspace), workspace / "out")
    assert problems and "release sets the version" in problems[0]
    config.write_text(config.read_text(encoding="utf-8").replace('"9.0.0"', f'"{patch}"'), encoding="utf-8")
    history = workspace / "audit-api.changelog.toml"
    history.write_text(history.read_text(encoding="utf-8").replace("Get the results", "Get all results"))
    capsys.readouterr()
    assert main(["check", *_args(workspace)]) == 1
    assert "CHANGELOG.md" in capsys.readouterr().out


def test_release_names_its_docs_page_and_refuses_one_the_spec_does_not_follow(
    workspace: Path, shared_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_page = shared_docs / "renderings" / "dotnet" / "74.0.0.md"
    assert main(["release", *_args(workspace), "--docs", str(old_page)]) == 2
    assert "the spec does not follow this page yet" in capsys.readouterr().err
