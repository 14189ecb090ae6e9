"""generator.inputs.layer_imports: a layer imports only itself, the layers it requires, the generated modules it
declares, the standard library and its declared dependencies; anything else is refused at its file and line.

Each case adds one import to a copy of runtime/ (the real layers pass, as every build shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import settings
from generator.errors import GenerationError
from generator.inputs.layer_imports import check_layer_imports, distribution_modules
from generator.inputs.layers import load_layers

LAYERS = ["genesys", "audit"]


def _with_line(path: Path, line: str) -> int:
    """Appends `line` to the module; returns its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_the_real_layers_keep_the_rule() -> None:
    check_layer_imports(load_layers(settings.RUNTIME_DIR, LAYERS))


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        (
            "core/_client.py",
            "from .._genesys._regions import api_base_url",
            "imports layer 'genesys' (_genesys), which layer 'core' does not require",
        ),
        (
            "core/_client.py",
            "from ..workflows import _bulk",
            "imports layer 'audit' (workflows), which layer 'core' does not require",
        ),
        (
            "genesys/_client.py",
            "from ..workflows._exports import query_audits",
            "imports layer 'audit' (workflows), which layer 'genesys' does not require",
        ),
        (
            "core/_paging.py",
            "from ..types import Unset",
            "imports the generated module 'types', which layer 'core' does not declare under generated",
        ),
        (
            "core/_errors.py",
            "from ..models import AuditLogMessage",
            "imports the generated module 'models', which layer 'core' does not declare under generated",
        ),
        (
            "genesys/_errors.py",
            "from .. import __version__",
            "imports the generated module 'root', which layer 'genesys' does not declare under generated",
        ),
        ("core/_auth.py", "import yaml", "imports 'yaml', which layer 'core' does not declare"),
        (
            "genesys/_regions.py",
            "from openapi_python_client import Project",
            "imports 'openapi_python_client', which layer 'genesys' does not declare",
        ),
        ("audit/cli/_main.py", "from ...._outside import x", "a relative import that leaves the generated package"),
    ],
)
def test_an_import_outside_the_rule_is_refused_at_its_line(
    runtime: Path, module: str, line: str, expected: str
) -> None:
    path = runtime / module
    number = _with_line(path, f"if False:\n    {line}")
    with pytest.raises(GenerationError) as caught:
        check_layer_imports(load_layers(runtime, LAYERS))
    message = str(caught.value)
    assert message.startswith(f"{path}:{number + 1}: {expected}"), message


_HIDING_PLACES = {
    "a function": "def hidden():\n    {}",
    "a class body": "class Hidden:\n    {}",
    "an except clause": "try:\n    pass\nexcept ImportError:\n    {}",
    "an else clause": "for _ in ():\n    pass\nelse:\n    {}",
    "a finally clause": "try:\n    pass\nfinally:\n    {}",
    "a match case": "match 1:\n    case 2:\n        {}",
    "a with block in an elif": "if False:\n    pass\nelif True:\n    with open('x'):\n        {}",
    "an async function": "async def hidden():\n    async with x:\n        {}",
}


@pytest.mark.parametrize("place", sorted(_HIDING_PLACES))
def test_an_import_anywhere_in_a_module_counts(runtime: Path, place: str) -> None:
    path = runtime / "core" / "_client.py"
    block = _HIDING_PLACES[place].format("import yaml")
    number = _with_line(path, block) + block.count("\n")
    with pytest.raises(GenerationError) as caught:
        check_layer_imports(load_layers(runtime, LAYERS))
    assert str(caught.value).startswith(f"{path}:{number}: imports 'yaml'"), str(caught.value)


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("audit/_exports.py", "from .._genesys._regions import api_base_url"),  # a layer it requires, through genesys
        ("audit/cli/_main.py", "from ..._core._errors import Error"),  # a nested module reaching a lower layer
        ("genesys/_client.py", "import httpx"),  # the core's dependency, which genesys builds on
        ("core/_client.py", "from typing import TYPE_CHECKING"),
    ],
)
def test_what_the_manifests_declare_is_allowed(runtime: Path, module: str, line: str) -> None:
    _with_line(runtime / module, line)
    check_layer_imports(load_layers(runtime, LAYERS))


def test_a_declared_dependency_may_be_imported(runtime: Path) -> None:
    path = runtime / "genesys" / "layer.toml"
    path.write_text(path.read_text().replace("dependencies = []", 'dependencies = ["PyYAML>=6"]'))
    _with_line(runtime / "genesys" / "_regions.py", "import yaml")
    check_layer_imports(load_layers(runtime, LAYERS))


def test_distributions_map_to_the_modules_they_install() -> None:
    assert distribution_modules(["PyYAML==6.0.4", "httpx>=0.27,<0.29"]) >= {"yaml", "httpx"}
    assert distribution_modules(["not-installed-anywhere>=1"]) == {"not_installed_anywhere"}


def test_the_core_may_not_declare_generated_modules(runtime: Path) -> None:
    path = runtime / "core" / "layer.toml"
    path.write_text(path.read_text().replace("requires = []", 'requires = []\ngenerated = ["types"]'))
    with pytest.raises(GenerationError, match="the core layer imports no generated module"):
        load_layers(runtime, LAYERS)
