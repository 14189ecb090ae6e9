"""generator.render.upstream: what openapi-python-client leaves out is named at the spec's place.

Run through the command line, so that a file the build could not write is named where it would live,
never in the scratch folder, and the output is left as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.generator_runs import run_generate


def _generate(tmp_path: Path, spec: dict[str, object], *options: str, code: int = 2) -> tuple[Path, list[str]]:
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    output = tmp_path / "client"
    result = run_generate("--spec", path, "--output", output, *options)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and output.exists() == (code == 0)
    assert not list(tmp_path.glob(".generate-*"))
    return path, result.stderr.splitlines()


def _spec(paths: dict[str, object], schemas: dict[str, object]) -> dict[str, object]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Odd API", "version": "1.0.0"},
        "servers": [{"url": "https://odd.example.test"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _ok(schema: object) -> dict[str, object]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def test_what_upstream_refuses_is_named_at_the_schema_and_the_operation(tmp_path: Path) -> None:
    spec = _spec(
        {"/things": {"get": {"operationId": "getThings", "responses": _ok({"$ref": "#/components/schemas/Thing"})}}},
        {
            "Thing": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["a"]},
                    "other": {"$ref": "#/components/schemas/ThingKind"},
                },
            },
            "ThingKind": {"type": "string", "enum": ["x"]},
        },
    )
    # Generated without them, as stock openapi-python-client generates it, each a warning at its place ...
    path, lines = _generate(tmp_path, spec, code=0)
    text = path.read_text().splitlines()
    thing = text.index("    Thing:") + 1
    get = text.index("    get:") + 1
    said = [
        f"{path}:{get}: at /paths/~1things/get: openapi-python-client 0.29.1 leaves this out: WARNING "
        "parsing GET /things within default.: Cannot parse response for status code 200 (Could not find reference "
        "in parsed models or enums), response will be omitted from generated client",
        f"{path}:{thing}: at /components/schemas/Thing: openapi-python-client 0.29.1 leaves this out: "
        "Unable to process schema /components/schemas/Thing:: Found conflicting enums named ThingKind with "
        "incompatible values. Failure to process schema has resulted in the removal of: /components/schemas/Thing",
    ]
    assert lines == [*(f"warning: {line}" for line in said), "2 warnings (--strict refuses what they name)"], lines
    # ... and refused in the same words with --strict.
    shutil.rmtree(tmp_path / "client")
    _, lines = _generate(tmp_path, spec, "--strict")
    assert lines == [f"error: {line} (--strict refuses it)" for line in said], lines


def test_a_derived_file_name_too_long_for_the_file_system_is_named_where_it_would_be(tmp_path: Path) -> None:
    operation_id = "get" + "Things" * 27  # a module name of 192 bytes: within the limit
    nested = {"type": "object", "properties": {"x": {"type": "string"}}}
    response = {"type": "object", "properties": {"aPropertyWhoseNameIsLongEnoughToOverflow": nested}}
    spec = _spec({"/things": {"get": {"operationId": operation_id, "responses": _ok(response)}}}, {})
    _, lines = _generate(tmp_path, spec)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {tmp_path / 'client' / 'odd_api' / 'models'}/get_things_things"), lines[0]
    assert lines[0].endswith(".py: cannot write it: File name too long; shorten the name in the spec it comes from")
