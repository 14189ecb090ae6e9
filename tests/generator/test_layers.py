"""generator.inputs.layers: what a runtime layer's manifest and folder may hold, each mistake named at its file.

Each case edits a copy of runtime/ and loads the layers the audit spec's config names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import settings
from generator.errors import GenerationError
from generator.inputs.layers import load_layers

LAYERS = ["genesys", "audit"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _all_of(path: Path, replacement: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^__all__ = \[(.*?)\]", text, re.S | re.M)
    assert found, path
    path.write_text(text[: found.start()] + replacement(found.group(1)) + text[found.end() :], encoding="utf-8")


def _refused(runtime: Path) -> str:
    with pytest.raises(GenerationError) as caught:
        load_layers(runtime, LAYERS)
    return str(caught.value)


def test_the_real_layers_load_lowest_first() -> None:
    layers = load_layers(settings.RUNTIME_DIR, LAYERS)
    assert [layer.name for layer in layers] == ["core", "genesys", "audit"]
    assert all(not path.name.startswith(".") and path.suffix != ".pyc" for layer in layers for path in layer.files())


@pytest.mark.parametrize(
    "form",
    [lambda names: f"__all__ = ({names.rstrip().rstrip(',')},)", lambda names: f"__all__: list[str] = [{names}]"],
    ids=["tuple", "annotated"],
)
def test_all_may_be_a_tuple_or_annotated(runtime: Path, form: Callable[[str], str]) -> None:
    _all_of(runtime / "core" / "_retry.py", form)
    layers = load_layers(runtime, LAYERS)
    exports = dict(layers[0].exports)
    assert exports["_retry"] == ("RetryPolicy",)


def test_a_name_in_all_that_the_module_does_not_define_is_refused_at_all(runtime: Path) -> None:
    path = runtime / "core" / "_retry.py"
    _all_of(path, lambda names: f'__all__ = ["Ghost", {names}]')
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("__all__"))
    message = _refused(runtime)
    assert message == f"{path}:{line}: __all__ lists 'Ghost', which the module does not define", message


def test_a_name_only_type_checkers_see_is_not_defined(runtime: Path) -> None:
    path = runtime / "core" / "_retry.py"
    _all_of(
        path,
        lambda names: f'if TYPE_CHECKING:\n    from json import JSONDecoder as Ghost\n__all__ = ["Ghost", {names}]',
    )
    _edit(
        path,
        "from __future__ import annotations\n",
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n",
    )
    assert "__all__ lists 'Ghost', which the module does not define" in _refused(runtime)


def test_a_computed_all_is_refused(runtime: Path) -> None:
    path = runtime / "core" / "_retry.py"
    _all_of(path, lambda names: f"__all__ = sorted([{names}])")
    assert "__all__ must be a literal list or tuple of names" in _refused(runtime)


def test_a_symbolic_link_in_a_layer_is_refused(runtime: Path) -> None:
    link = runtime / "core" / "hostname.txt"
    link.symlink_to("/etc/hostname")
    message = _refused(runtime)
    assert message == f"{link}: is a symbolic link; a layer is copied verbatim, so it holds only regular files", message


def test_a_linked_folder_in_a_layer_is_refused(runtime: Path) -> None:
    (runtime / "genesys" / "loop").symlink_to(runtime / "genesys", target_is_directory=True)
    assert "loop: is a symbolic link" in _refused(runtime)


def test_a_fifo_in_a_layer_is_refused(runtime: Path) -> None:
    os.mkfifo(runtime / "core" / "pipe")
    assert "pipe: is not a regular file" in _refused(runtime)


def test_editor_and_compiler_leftovers_are_not_copied(runtime: Path) -> None:
    core = runtime / "core"
    for name in (".x.swp", "_retry.py~", "#_retry.py#", "_retry.pyc", ".DS_Store"):
        (core / name).write_text("junk\n")
    (core / ".#_retry.py").symlink_to("someone@host.1234")  # an editor's lock, a dangling link
    (core / "__pycache__").mkdir()
    (core / "__pycache__" / "_retry.cpython-311.pyc").write_bytes(b"\0")
    copied = {path.name for path in load_layers(runtime, LAYERS)[0].files()}
    assert copied == {path.name for path in load_layers(settings.RUNTIME_DIR, LAYERS)[0].files()}


def test_the_core_must_stay_in_its_folder(runtime: Path) -> None:
    _edit(runtime / "core" / "layer.toml", 'package = "_core"', 'package = "core_runtime"')
    message = _refused(runtime)
    assert message.startswith(f"{runtime / 'core' / 'layer.toml'}:"), message
    assert "the core layer's package must be '_core' (the templates import <package>._core._support)" in message


@pytest.mark.parametrize("command", ["../../evil", "a b", "-x", "a\nb", ""])
def test_a_script_name_that_is_no_command_name_is_refused(runtime: Path, command: str) -> None:
    _edit(runtime / "audit" / "layer.toml", 'genesys-audit = "cli:main"', f'{command!r} = "cli:main"'.replace("'", '"'))
    assert f"script {command!r} is not a command name" in _refused(runtime)


def test_a_manifest_that_is_not_toml_names_its_line(runtime: Path) -> None:
    manifest = runtime / "genesys" / "layer.toml"
    manifest.write_text(manifest.read_text() + "\nname = 'again'\n")
    message = _refused(runtime)
    assert re.match(rf"{re.escape(str(manifest))}:\d+: not valid TOML: ", message), message


def test_the_audit_layer_declares_its_parquet_extra_and_the_package_carries_it() -> None:
    layers = load_layers(settings.RUNTIME_DIR, LAYERS)
    assert dict(layers[-1].extras) == {"parquet": ("pyarrow>=16,<27",)}
    pyproject = (settings.REPO_ROOT / "generated" / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.optional-dependencies]\n"parquet" = [\n    "pyarrow>=16,<27",\n]' in pyproject


@pytest.mark.parametrize(
    ("extras", "problem"),
    [
        ('Parquet = ["pyarrow"]', "not a normalized extra name"),
        ("parquet = []", "non-empty list of requirements"),
        ('parquet = "pyarrow"', "non-empty list of requirements"),
    ],
)
def test_a_bad_extra_is_refused_at_its_manifest(runtime: Path, extras: str, problem: str) -> None:
    _edit(runtime / "audit" / "layer.toml", 'parquet = ["pyarrow>=16,<27"]', extras)
    message = _refused(runtime)
    assert problem in message and "layer.toml" in message
