"""Runs `python -m generator` on copies of its inputs, and records folders exactly (content, modes, links)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import settings
from generator.inputs.api_config import config_path
from generator.release import changelog_path

__all__ = [
    "PACKAGE",
    "Workspace",
    "assert_mypy_strict_clean",
    "copy_generation",
    "generate_client",
    "run_generate",
    "run_in_client",
    "snapshot",
]

REPO = settings.REPO_ROOT
# The committed client's import package (the spec names it): the one folder of generated/ with an __init__.py.
PACKAGE = next(init.parent.name for init in sorted(settings.GENERATED_DIR.glob("*/__init__.py")))

Snapshot = dict[str, tuple[str, int, str]]


def snapshot(path: Path) -> Snapshot:
    """Every entry under `path` (and `path` itself) by kind, permission bits and content; links not followed."""
    found: Snapshot = {}

    def record(entry: Path, name: str) -> None:
        try:
            info = os.lstat(entry)
        except FileNotFoundError:
            found[name] = ("absent", 0, "")
            return
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISLNK(info.st_mode):
            found[name] = ("link", mode, os.readlink(entry))
        elif stat.S_ISREG(info.st_mode):
            found[name] = ("file", mode, hashlib.sha256(entry.read_bytes()).hexdigest())
        elif stat.S_ISDIR(info.st_mode):
            found[name] = ("dir", mode, "")
            for child in sorted(os.listdir(entry)):
                record(entry / child, f"{name}/{child}")
        else:
            found[name] = ("other", mode, "")

    record(path, ".")
    return found


@dataclass
class Workspace:
    """Copies of the generator's inputs in a temporary folder, and the output a run is pointed at.

    `output` is a copy of the committed generated/ (a previous generation) unless a case changes
    it; `output_arg` is what is passed as --output (default: `output`); `watched` lists further
    paths that must come out of the run unchanged.
    """

    root: Path
    spec: Path
    templates: Path
    runtime: Path
    output: Path
    cwd: Path
    output_arg: str | None = None
    command: str = "generate"
    watched: list[Path] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # further options, e.g. --strict

    @classmethod
    def create(cls, root: Path) -> Workspace:
        inputs = root / "inputs"
        inputs.mkdir()
        spec = inputs / "audit-api.yaml"
        shutil.copyfile(settings.SPEC_FILE, spec)
        shutil.copyfile(config_path(settings.SPEC_FILE), config_path(spec))  # the package's names and layers
        if changelog_path(settings.SPEC_FILE).exists():  # the release history: generated/CHANGELOG.md
            shutil.copyfile(changelog_path(settings.SPEC_FILE), changelog_path(spec))
        templates = inputs / "templates"
        shutil.copytree(settings.TEMPLATES_DIR, templates)
        cwd = root / "cwd"
        cwd.mkdir()
        output = root / "out" / "generated"
        output.parent.mkdir()
        copy_generation(output)
        return cls(root, spec, templates, settings.RUNTIME_DIR, output, cwd)

    def own_runtime(self) -> Path:
        """Switches to a copy of runtime/ that the case may edit."""
        self.runtime = self.root / "inputs" / "runtime"
        shutil.copytree(settings.RUNTIME_DIR, self.runtime, ignore=shutil.ignore_patterns("__pycache__"))
        return self.runtime

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def run(self) -> subprocess.CompletedProcess[str]:
        output = self.output_arg if self.output_arg is not None else str(self.output)
        command = [sys.executable, "-m", "generator", self.command, "--spec", str(self.spec)]
        command += ["--templates", str(self.templates), "--runtime", str(self.runtime), "--output", output]
        command += self.options
        return subprocess.run(
            command,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            errors="replace",
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": "0"},
            timeout=300,
            check=False,
        )

    def shown(self, text: str) -> str:
        """`text` with the workspace and the repository written as <tmp> and <repo>."""
        return text.replace(str(self.root), "<tmp>").replace(str(REPO), "<repo>")


def run_generate(*arguments: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m generator generate ARGUMENTS` in `cwd`, with the repository importable, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate", *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )


def generate_client(spec: Path, folder: Path) -> Path:
    """The client of `spec`, generated by the real command into `folder`/client (the package its only child)."""
    out = folder / "client"
    result = run_generate("--spec", spec, "--output", out)
    assert result.returncode == 0, result.stderr
    return out


def run_in_client(client: Path, code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """What `code` prints, run by this interpreter with `args` and the generated `client` folder on its path
    (`env` added to the environment); the test fails with its stderr when it exits non-zero."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=client,
        env=dict(os.environ, PYTHONPATH=str(client), **(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_mypy_strict_clean(client: Path, package: str) -> None:
    """`mypy --strict` finds nothing in the generated `package` of the `client` folder."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", package],
        cwd=client,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def copy_generation(destination: Path) -> None:
    """A copy of the committed generated/ without the by-products an install leaves there."""
    shutil.copytree(
        settings.GENERATED_DIR,
        destination,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"),
    )
