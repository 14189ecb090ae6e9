"""Checks a built tree before it may replace generated/: it must install, import, and be reproducible.

- `pyproject.toml` parses (tomllib) and names the project;
- no file holds an object's repr (`<... object at 0x7f...>`): a template printed an object, and
  the address changes from run to run;
- every module of every package imports in a clean interpreter (import_check), compile warnings
  (an invalid escape sequence) counting as errors; other .py files (`__main__`) are compiled.

Each problem is one GenerationError naming the file where it will be written (`label`), the line
where known, and the template the file most likely came from. The second build that proves the
output reproducible is second_build's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
import warnings
from pathlib import Path

from generator import settings
from generator.errors import GenerationError
from generator.settings import ruff_command
from generator.verify.import_check import ImportProbe, modules_of
from generator.verify.origins import Places

__all__ = ["check_names", "find_repr", "located", "verify_tree"]

# `<Foo object at 0x7f...>`, `<function f at 0x...>`, `<bound method ... at 0x...>`
_REPR = re.compile(r"<[^<>\n]{0,200}? at 0x[0-9a-fA-F]{4,}>")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def verify_tree(
    tree: Path,
    *,
    label: Path,
    templates: Path,
    runtime: Path,
    probe: ImportProbe | None = None,
    timeout: float = settings.VERIFY_TIMEOUT,
) -> None:
    """Raises GenerationError for the first problem found in the built `tree` (shown as `label`).

    `probe` is an import probe started earlier (one is started here otherwise); it is used up.
    """
    places = Places(tree, label, templates, runtime)
    probe = probe or ImportProbe()
    try:
        _check_pyproject(places)
        probe.start(places)  # the probe imports the tree on the other core while the checks below run
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            found = find_repr(path)
            if found is not None:
                raise places.error(path, found[0], _repr_problem(found[1]))
        imported = set(modules_of(tree).values())
        for path in sorted(tree.rglob("*.py")):
            if path not in imported:
                _compile(path, places)
        check_names(places)
        probe.check(places, timeout)
    finally:
        probe.stop()


def find_repr(path: Path) -> tuple[int, str] | None:
    """The line and text of the first object repr with an address in a text file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    match = _REPR.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1, match.group()


def located(error: GenerationError, tree: Path, *, label: Path, templates: Path, runtime: Path) -> GenerationError:
    """`error` as it should be shown: a file in the scratch `tree` named where it will live, with its template.

    A file that ruff could not parse because a template printed an object repr is reported as that; a file
    that could not be written is named without a template.
    """
    if error.file is None or not error.file.is_relative_to(tree):
        return error
    if not os.path.lexists(error.file):  # it could not be written: no template to blame
        return GenerationError(error.message, file=label / error.file.relative_to(tree), line=error.line)
    places = Places(tree, label, templates, runtime)
    found = find_repr(error.file)
    if found is not None:
        return places.error(error.file, found[0], _repr_problem(found[1]))
    return places.error(error.file, error.line, error.message)


def _repr_problem(text: str) -> str:
    return f"holds an object's repr, {text!r}, which changes from run to run (a template printed an object instead of one of its fields)"


def _check_pyproject(places: Places) -> None:
    path = places.tree / "pyproject.toml"
    if not path.is_file():
        raise places.error(path, None, "generation wrote no pyproject.toml, so the client cannot be installed")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise places.error(path, None, f"not UTF-8: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        raise places.error(path, line, f"not valid TOML: {_TOML_POSITION.sub('', message)}") from None
    project = document.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise places.error(path, None, "has no [project] table with a name, so the client cannot be installed")


# pyflakes' undefined names: a name used but never bound (F821), exported but never defined (F822), or a
# local read before it is assigned (F823). Each fails only when the line runs (a function called), so
# importing every module does not find them.
_UNDEFINED_NAMES = "F821,F822,F823"


def check_names(places: Places) -> None:
    """Every name the tree uses is defined (the pinned ruff's pyflakes rules, without fixing anything)."""
    command = [*ruff_command(), "check", "--isolated", "--select", _UNDEFINED_NAMES]
    command += ["--output-format", "json", "--no-cache", "--target-version", "py311", "."]
    result = subprocess.run(command, cwd=places.tree, capture_output=True, text=True, check=False)
    try:
        found = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        raise GenerationError(f"ruff could not check the tree's names: {result.stderr.strip()[:200]}") from None
    if result.returncode not in (0, 1) or not isinstance(found, list):
        raise GenerationError(f"ruff could not check the tree's names: {result.stderr.strip()[:200]}")
    if found:
        first = min(found, key=lambda item: (item["filename"], item["location"]["row"]))
        more = f" ({len(found) - 1} more)" if len(found) > 1 else ""
        raise places.error(
            Path(first["filename"]),
            first["location"]["row"],
            f"{first['message']} ({first['code']}): the code would fail with NameError when this line runs{more}",
        )


def _compile(path: Path, places: Places) -> None:
    source = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise places.error(path, exc.lineno, f"not valid Python: {exc.msg}") from None
    except (ValueError, Warning) as exc:  # a null byte (ValueError on 3.11), or a warning raised as an error
        raise places.error(path, None, f"not valid Python: {exc}") from None
