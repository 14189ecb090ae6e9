"""Each kind of bad input ends in one clear message naming file and place, and leaves the output untouched."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import settings
from generator.inputs.api_config import config_path

SPEC_TEXT = settings.SPEC_FILE.read_text()


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def output(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    shutil.copytree(settings.GENERATED_DIR, out, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return out


def generate(
    tmp_path: Path, output: Path, *options: str, spec: str | None = None, templates: Path | None = None
) -> str:
    args = ["generate", "--output", str(output), *options]
    if spec is not None:
        spec_file = tmp_path / "spec.yaml"
        spec_file.write_text(spec)
        shutil.copyfile(config_path(settings.SPEC_FILE), config_path(spec_file))  # the same package and layers
        args += ["--spec", str(spec_file)]
    if templates is not None:
        args += ["--templates", str(templates)]
    before = digest(output)
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=settings.REPO_ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert result.returncode != 0, "bad input was accepted"
    assert "Traceback" not in result.stderr
    assert digest(output) == before, "the output tree was modified by a failed generation"
    return result.stderr.strip()


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(line for line in text.splitlines() if needle in line)) + 1


def test_yaml_syntax_error(tmp_path: Path, output: Path) -> None:
    broken = SPEC_TEXT.replace("  title: Genesys Cloud Audit API", "  title: [unclosed", 1)
    message = generate(tmp_path, output, spec=broken)
    assert re.search(r"spec\.yaml:\d+: YAML syntax error", message), message


def test_dangling_ref(tmp_path: Path, output: Path) -> None:
    broken = SPEC_TEXT.replace("$ref: '#/components/schemas/Detail'", "$ref: '#/components/schemas/Detial'", 1)
    message = generate(tmp_path, output, spec=broken)
    line = line_of(broken, "#/components/schemas/Detial")
    assert f"spec.yaml:{line}:" in message, message
    assert "dangling $ref '#/components/schemas/Detial'" in message
    assert "/components/schemas/ErrorBody/properties/details/items/$ref" in message


def test_duplicate_operation_id(tmp_path: Path, output: Path) -> None:
    broken = SPEC_TEXT.replace("operationId: getAuditsQueryServicemapping", "operationId: postAuditsQuery", 1)
    message = generate(tmp_path, output, spec=broken)
    assert "duplicate operationId 'postAuditsQuery'" in message, message
    second = [i + 1 for i, line in enumerate(broken.splitlines()) if line.strip() == "operationId: postAuditsQuery"]
    assert len(second) == 2
    assert f"spec.yaml:{second[1]}:" in message or f"spec.yaml:{second[0]}:" in message
    assert "first at line" in message


def test_invalid_openapi(tmp_path: Path, output: Path) -> None:
    broken = SPEC_TEXT.replace(
        "          type: string\n          description: The limit's name.",
        "          type: strang\n          description: The limit's name.",
        1,
    )
    message = generate(tmp_path, output, spec=broken)
    assert "not valid OpenAPI 3.1" in message, message
    assert "/components/schemas/Limit/properties/key" in message


def test_what_openapi_python_client_refuses_is_reported(tmp_path: Path, output: Path) -> None:
    # Valid OpenAPI that the generator's checks let through, but openapi-python-client refuses: an
    # enum whose values are neither all strings nor all integers.
    broken = SPEC_TEXT.replace(
        "      operationId: getAuditsQueryServicemapping\n",
        "      operationId: getAuditsQueryServicemapping\n"
        "      parameters:\n"
        "        - name: mixed\n"
        "          in: query\n"
        "          schema:\n"
        "            enum: [1, two]\n",
        1,
    )
    lines = broken.splitlines()[: line_of(broken, "operationId: getAuditsQueryServicemapping")]
    get_line = max(number for number, line in enumerate(lines, 1) if line.strip() == "get:")
    operation = "/paths/~1api~1v2~1audits~1query~1servicemapping/get"
    warning = (
        f"{tmp_path / 'spec.yaml'}:{get_line}: at {operation}: openapi-python-client 0.29.1 leaves this out: WARNING"
    )
    # Left out with a warning; the audit workflows need that operation, so the build fails on their import,
    # after the warning that says why.
    message = generate(tmp_path, output, spec=broken)
    first, *rest = message.splitlines()
    assert first.startswith(f"warning: {warning}"), message
    assert "GET /api/v2/audits/query/servicemapping" in first
    assert rest and rest[-1].startswith("error: ") and "get_audits_query_servicemapping" in rest[-1], message
    # --strict refuses it where it is written, in one line.
    message = generate(tmp_path, output, "--strict", spec=broken)
    assert message.startswith(f"error: {warning}") and message.endswith("(--strict refuses it)"), message


def test_template_syntax_error(tmp_path: Path, output: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(settings.TEMPLATES_DIR, templates)
    target = templates / "pagination.py.jinja"
    lines = target.read_text().splitlines(keepends=True)
    lines[9] = "{% if unclosed %}\n" + lines[9]
    target.write_text("".join(lines))
    message = generate(tmp_path, output, templates=templates)
    assert re.search(r"pagination\.py\.jinja:\d+: template syntax error", message), message


def test_unrecorded_override(tmp_path: Path, output: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(settings.TEMPLATES_DIR, templates)
    (templates / "literal_enum.py.jinja").write_text("# replaced\n")
    message = generate(tmp_path, output, templates=templates)
    assert "literal_enum.py.jinja replaces an upstream template but is not recorded" in message, message
