"""Strings from the spec are data: quotes, backslashes, Jinja and Python in them never become code."""

from __future__ import annotations

import compileall
import importlib
import os
import sys
from pathlib import Path

from generator.build import build_tree
from generator.inputs.files import Inputs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "specs" / "hostile.yaml"


def test_hostile_strings_compile_import_and_execute_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    build_tree(Inputs(spec=FIXTURE), out)
    assert compileall.compile_dir(str(out), quiet=1, force=True)

    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(out))
    for name in [n for n in sys.modules if n == "hostile_strings" or n.startswith("hostile_strings.")]:
        monkeypatch.delitem(sys.modules, name)
    things = importlib.import_module("hostile_strings.api.things.get_thing")
    models = importlib.import_module("hostile_strings.models")
    assert not [p for p in os.listdir(tmp_path) if p.startswith("PWNED")]

    kind = models.ThingKind
    assert sorted(member.value for member in kind) == sorted(['a"b', "c'd", "e\\f", '"""', "{{ 7 * 7 }}"])
    assert models.Thing.from_dict({"kind": 'a"b'}).to_dict() == {"kind": 'a"b'}

    doc = things.sync.__doc__ or ""
    assert "{{ 7 * 7 }}" in doc and "49" not in doc
    assert 'perm"; open("PWNED_PERM", "w") #' in doc
    source = Path(things.__file__).read_text()
    assert "{% if" in source  # rendered as text, not evaluated
