"""Checks a built tree before it may replace generated/: it must install, import, and be reproducible.

- `pyproject.toml` parses (tomllib) and names the project;
- no file holds an object's repr (`<... object at 0x7f...>`): a template printed an object, and
  the address changes from run to run;
- every .py file compiles, warnings (an invalid escape sequence) counting as errors;
- every module of every package imports, in a clean interpreter (see _import_probe).

Each problem is one GenerationError naming the file where it will be written (`label`), the line
where known, and the template the file most likely came from.
"""

from __future__ import annotations

import json
import re
import site
import subprocess
import sys
import tempfile
import tomllib
import warnings
from pathlib import Path
from typing import Any

from generator import settings
from generator.errors import GenerationError

__all__ = ["find_repr", "located", "origin_of", "verify_tree"]

_PROBE = Path(__file__).with_name("_import_probe.py")
# `<Foo object at 0x7f...>`, `<function f at 0x...>`, `<bound method ... at 0x...>`
_REPR = re.compile(r"<[^<>\n]{0,200}? at 0x[0-9a-fA-F]{4,}>")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")

# Upstream's layout (openapi_python_client.Project): which template writes which file.
_PACKAGE_TEMPLATES = {
    "__init__.py": "package_init.py.jinja",
    "types.py": "types.py.jinja",
    "client.py": "client.py.jinja",
    "errors.py": "errors.py.jinja",
    "api/__init__.py": "api_init.py.jinja",
    "models/__init__.py": "models_init.py.jinja",
}
_TOP_LEVEL_TEMPLATES = {
    "pyproject.toml": "pyproject.toml.jinja",
    "README.md": "README.md.jinja",
    ".gitignore": ".gitignore.jinja",
}


def verify_tree(
    tree: Path, *, label: Path, templates: Path, runtime: Path, timeout: float = settings.VERIFY_TIMEOUT
) -> None:
    """Raises GenerationError for the first problem found in the built `tree` (shown as `label`)."""
    where = _Places(tree, label, templates, runtime)
    _check_pyproject(where)
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        found = find_repr(path)
        if found is not None:
            raise where.error(
                path,
                found[0],
                f"holds an object's repr, {found[1]!r}, which changes from run to run "
                "(a template printed an object instead of one of its fields)",
            )
    probe = _ImportProbe(where)
    try:
        for path in sorted(tree.rglob("*.py")):
            _compile(path, where)
        probe.finish(timeout)
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

    A file that ruff could not parse because a template printed an object repr is reported as that.
    """
    if error.file is None or not error.file.is_relative_to(tree):
        return error
    where = _Places(tree, label, templates, runtime)
    found = find_repr(error.file)
    if found is not None:
        return where.error(
            error.file,
            found[0],
            f"holds an object's repr, {found[1]!r} (a template printed an object instead of one of its fields)",
        )
    return where.error(error.file, error.line, error.message)


def origin_of(relative: str, tree: Path, templates: Path, runtime: Path) -> str:
    """Where a file of the built tree most likely came from, e.g. `templates/model.py.jinja`; "" if unknown."""
    package = settings.PACKAGE_NAME + "/"
    copied = runtime / relative
    if relative.startswith(package) and copied.is_file():
        return f"copied from {_shown(copied)}"
    template: str | None = _TOP_LEVEL_TEMPLATES.get(relative)
    if relative.startswith(package):
        inner = relative.removeprefix(package)
        template = _PACKAGE_TEMPLATES.get(inner)
        parts = inner.split("/")
        if template is None and parts[0] == "api" and len(parts) == 3:
            template = "endpoint_init.py.jinja" if parts[2] == "__init__.py" else "endpoint_module.py.jinja"
        if template is None and parts[0] == "models" and len(parts) == 2:
            template = _model_template(tree / relative)
    if template is None:
        return ""
    custom = templates / template
    if custom.is_file():
        return f"most likely from {_shown(custom)}"
    return f"most likely from openapi-python-client's templates/{template}"


def _model_template(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "model.py.jinja"
    if re.search(r"^class \w+\((?:StrEnum|str, Enum)\)", text, re.MULTILINE):
        return "str_enum.py.jinja"
    if re.search(r"^class \w+\((?:IntEnum|int, Enum)\)", text, re.MULTILINE):
        return "int_enum.py.jinja"
    if re.search(r"^\w+ = Literal\[", text, re.MULTILINE):
        return "literal_enum.py.jinja"
    return "model.py.jinja"


class _Places:
    """Turns a path in the scratch tree into an error naming its final place and its origin."""

    def __init__(self, tree: Path, label: Path, templates: Path, runtime: Path) -> None:
        self.tree, self.label, self.templates, self.runtime = tree, label, templates, runtime

    def error(self, path: Path, line: int | None, problem: str) -> GenerationError:
        relative = path.relative_to(self.tree).as_posix()
        origin = origin_of(relative, self.tree, self.templates, self.runtime)
        return GenerationError(f"{problem}{f' ({origin})' if origin else ''}", file=self.label / relative, line=line)


def _check_pyproject(where: _Places) -> None:
    path = where.tree / "pyproject.toml"
    if not path.is_file():
        raise where.error(path, None, "generation wrote no pyproject.toml, so the client cannot be installed")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise where.error(path, None, f"not UTF-8: {exc.reason}") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        raise where.error(path, line, f"not valid TOML: {_TOML_POSITION.sub('', message)}") from None
    project = document.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise where.error(path, None, "has no [project] table with a name, so the client cannot be installed")


def _compile(path: Path, where: _Places) -> None:
    source = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise where.error(path, exc.lineno, f"not valid Python: {exc.msg}") from None
    except (ValueError, Warning) as exc:  # a null byte (ValueError on 3.11), or a warning raised as an error
        raise where.error(path, None, f"not valid Python: {exc}") from None


def _modules(tree: Path) -> list[str]:
    """Every module of every top-level package (a folder chain of __init__.py), `__main__` aside.

    `__main__` modules run a program when imported; they are only compiled.
    """
    names: list[str] = []
    for init in sorted(tree.glob("*/__init__.py")):
        package = init.parent
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(tree).with_suffix("").parts
            folders_are_packages = all(
                (tree.joinpath(*parts[:depth]) / "__init__.py").is_file() for depth in range(1, len(parts))
            )
            if parts[-1] == "__main__" or not folders_are_packages:
                continue
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _site_dirs() -> list[str]:
    """Where this interpreter's packages live (the client's dependencies among them)."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dirs if Path(d).is_dir()]


class _ImportProbe:
    """The import check, running in its own clean interpreter while this process compiles."""

    def __init__(self, where: _Places) -> None:
        self.where = where
        self.names = _modules(where.tree)
        self._scratch = tempfile.TemporaryDirectory(prefix="genesys-audit-import-")
        self.results = Path(self._scratch.name) / "results.jsonl"
        command = [sys.executable, "-I", "-S", "-B", str(_PROBE), str(where.tree), str(self.results), *_site_dirs()]
        self._process = subprocess.Popen(
            command,
            cwd=self._scratch.name,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def finish(self, timeout: float) -> None:
        """Waits for the imports; raises GenerationError for the first module that fails."""
        try:
            self._process.communicate("\n".join(self.names), timeout=timeout)
            status: int | None = self._process.returncode
        except subprocess.TimeoutExpired:
            status = None
        text = self.results.read_text(encoding="utf-8") if self.results.exists() else ""
        records = [json.loads(line) for line in text.splitlines()]
        failures = [r for r in records if "error" in r]
        if failures:
            self._raise_failure(failures)
        if records and "done" in records[-1]:
            return
        culprit = _innermost(records) or (self.names or ["?"])[0]
        if status is None:
            problem = f"importing {culprit} did not finish within {timeout:g} s"
        else:
            problem = f"importing {culprit} ended the interpreter (exit status {status})"
        file = _module_file(self.where.tree, culprit)
        raise self.where.error(file, None, problem) if file else GenerationError(problem, file=self.where.label)

    def _raise_failure(self, failures: list[dict[str, Any]]) -> None:
        first, error = failures[0], failures[0]["error"]
        more = f"; {len(failures) - 1} more modules fail to import" if len(failures) > 1 else ""
        problem = f"importing {first['module']} fails: {error['type']}: {error['message']}{more}"
        reported = _in_tree(self.where.tree, error.get("file"))
        if reported is not None:
            raise self.where.error(reported, error.get("line"), problem)
        file = _module_file(self.where.tree, first["module"])
        raise self.where.error(file, None, problem) if file else GenerationError(problem, file=self.where.label)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._scratch.cleanup()


def _innermost(records: list[dict[str, Any]]) -> str | None:
    """The module whose execution had begun and not ended when the probe stopped."""
    stack: list[str] = []
    last_started: str | None = None
    for record in records:
        if "start" in record:
            last_started = record["start"]
        elif "enter" in record:
            stack.append(record["enter"])
        elif "leave" in record and stack:
            stack.pop()
    return stack[-1] if stack else last_started


def _in_tree(tree: Path, reported: str | None) -> Path | None:
    """The tree's path for a file the probe reported (it sees the tree with links resolved)."""
    if not reported:
        return None
    real = Path(reported)
    return tree / real.relative_to(tree.resolve()) if real.is_relative_to(tree.resolve()) else None


def _module_file(tree: Path, module: str) -> Path | None:
    base = tree.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
