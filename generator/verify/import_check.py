"""Imports every module of a built tree in a clean interpreter (see _import_probe), started ahead of time.

The probe process starts before the tree exists and imports the client's likely dependencies
(what runtime/ and the templates import) while the generator builds; then it is handed the tree.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator import settings
from generator.errors import GenerationError
from generator.verify.origins import Places

__all__ = ["ImportProbe", "modules_of"]

_PROBE = Path(__file__).with_name("_import_probe.py")


def modules_of(tree: Path) -> dict[str, Path]:
    """Every module of every top-level package (a folder chain of __init__.py), `__main__` aside, with its file.

    `__main__` modules run a program when imported; they are only compiled (see verify).
    """
    modules: dict[str, Path] = {}
    for init in sorted(tree.glob("*/__init__.py")):
        for path in sorted(init.parent.rglob("*.py")):
            parts = path.relative_to(tree).with_suffix("").parts
            if parts[-1] == "__main__" or not _in_packages(tree, parts):
                continue
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _in_packages(tree: Path, parts: tuple[str, ...]) -> bool:
    return all((tree.joinpath(*parts[:depth]) / "__init__.py").is_file() for depth in range(1, len(parts)))


def _site_dirs() -> list[str]:
    """Where this interpreter's packages live (the client's dependencies among them)."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dirs if Path(d).is_dir()]


class ImportProbe:
    """One clean interpreter, waiting for a tree to import; `check` hands it over, `stop` ends it."""

    def __init__(self, warm: Sequence[str] = ()) -> None:
        self._scratch = tempfile.TemporaryDirectory(prefix="genesys-audit-import-")
        self._results = Path(self._scratch.name) / "results.jsonl"
        command = [sys.executable, "-I", "-S", "-B", str(_PROBE), str(self._results), ",".join(warm), *_site_dirs()]
        self._process = subprocess.Popen(
            command,
            cwd=self._scratch.name,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._names: list[str] | None = None

    def start(self, places: Places) -> None:
        """Hands the tree over: the probe imports every module while this process goes on (see `check`)."""
        self._names = list(modules_of(places.tree))
        request = json.dumps({"tree": str(places.tree.resolve()), "modules": self._names})
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(request + "\n")
            self._process.stdin.close()
        except OSError:
            pass  # the probe died: check reports how

    def check(self, places: Places, timeout: float = settings.VERIFY_TIMEOUT) -> None:
        """Imports every module of `places.tree` (handed over by `start`, or now); raises GenerationError for
        the first that fails."""
        if self._names is None:
            self.start(places)
        names = self._names or []
        try:
            status: int | None = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
        text = self._results.read_text(encoding="utf-8") if self._results.exists() else ""
        records = [json.loads(line) for line in text.splitlines()]
        failures = [r for r in records if "error" in r]
        if failures:
            raise _failure(places, failures)
        if records and "done" in records[-1]:
            return
        culprit = _innermost(records) or (names or ["?"])[0]
        if status is None:
            problem = f"importing {culprit} did not finish within {timeout:g} s"
        else:
            problem = f"importing {culprit} ended the interpreter (exit status {status})"
        file = _module_file(places.tree, culprit)
        raise places.error(file, None, problem) if file else GenerationError(problem, file=places.label)

    def stop(self) -> None:
        """Ends the probe if it still runs, and removes its folder; safe to call more than once."""
        if self._process.returncode is None:
            self._process.kill()
            self._process.communicate()
        self._scratch.cleanup()


def _failure(places: Places, failures: list[dict[str, Any]]) -> GenerationError:
    first, error = failures[0], dict(failures[0]["error"])
    error["message"] = error["message"].replace(str(places.tree.resolve()), str(places.label))
    reported = _in_tree(places.tree, error.get("file"))
    if error["type"] == "SyntaxError" and reported is not None:
        return places.error(reported, error.get("line"), f"not valid Python: {error['message']}")
    more = f"; {len(failures) - 1} more modules fail to import" if len(failures) > 1 else ""
    problem = f"importing {first['module']} fails: {error['type']}: {error['message']}{more}"
    if reported is not None:
        return places.error(reported, error.get("line"), problem)
    file = _module_file(places.tree, first["module"])
    return places.error(file, None, problem) if file else GenerationError(problem, file=places.label)


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
