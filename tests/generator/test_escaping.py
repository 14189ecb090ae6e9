"""Strings from the spec are data: quotes, backslashes, Jinja and Python in them never become code.

The hostile spec's title and description also carry control characters (NUL, DEL), right-to-left
overrides, a raw HTML comment, a code fence and a long word of escapes: each lands in a docstring,
a comment, pyproject.toml or the README without breaking it or changing what the reader sees.
"""

from __future__ import annotations

import compileall
import importlib
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

from generator.build import build_tree
from generator.inputs.files import Inputs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "specs" / "hostile.yaml"
# The bidirectional embeddings, overrides and isolates of "Trojan Source" (CVE-2021-42574).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
LONG_WORD = "a" * 99 + '\\Users\\new"""bbbb'  # wrapped at 100, a split inside \\U would be a SyntaxError


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "out"
    build_tree(Inputs(spec=FIXTURE), out)
    return out


def test_hostile_strings_compile_import_and_execute_nothing(built: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert compileall.compile_dir(str(built), quiet=1, force=True)

    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(built))
    for name in [n for n in sys.modules if n == "hostile_strings" or n.startswith("hostile_strings.")]:
        monkeypatch.delitem(sys.modules, name)
    package = importlib.import_module("hostile_strings")
    things = importlib.import_module("hostile_strings.api.things.get_thing")
    models = importlib.import_module("hostile_strings.models")
    assert not [p for p in os.listdir(tmp_path) if p.startswith("PWNED")]

    kind = models.ThingKind
    assert sorted(member.value for member in kind) == sorted(['a"b', "c'd", "e\\f", '"""', "{{ 7 * 7 }}"])
    assert models.Thing.from_dict({"kind": 'a"b'}).to_dict() == {"kind": 'a"b'}

    doc = things.sync.__doc__ or ""
    assert "{{ 7 * 7 }}" in doc and "49" not in doc
    assert 'perm"; open("PWNED_PERM", "w") #' in doc
    source = Path(str(things.__file__)).read_text()
    assert "{% if" in source  # rendered as text, not evaluated

    words = (package.__doc__ or "").split()
    assert words[:2] == ["Hostile", "Strings:"]
    assert LONG_WORD in "".join(words)  # wrapping only added line breaks: no escape was split
    assert words[-1] == "\\"


def test_control_and_bidi_characters_never_reach_the_files(built: Path) -> None:
    for path in sorted(p for p in built.rglob("*") if p.suffix in (".py", ".md", ".toml")):
        text = path.read_text(encoding="utf-8")
        found = [hex(ord(c)) for c in text if c in BIDI_CONTROLS or c == "\x7f" or (c < " " and c not in "\n\t")]
        assert not found, f"{path.relative_to(built)}: {found}"
    source = (built / "hostile_strings" / "api" / "things" / "get_thing.py").read_text(encoding="utf-8")
    assert "# Resent after a failure: Reads only; resending is harmless" in source


def test_pyproject_carries_the_title_on_one_line(built: Path) -> None:
    project = tomllib.loads((built / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == "A typed client for Hostile Strings"


def test_the_readme_shows_the_description_as_text(built: Path) -> None:
    readme = (built / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert lines[2] == "A typed Python client for Hostile Strings, generated from its OpenAPI document."
    # Raw HTML (a comment hides everything after it) and a fence opening a code block are escaped.
    assert re.search(r"(?<!\\)<", readme) is None and "\\<!--" in readme
    assert [line for line in lines if line.startswith(("```", "~~~"))] == ["```python", "```"]
