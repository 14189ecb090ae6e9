"""Generating the corpus: every spec through the real CLI, in parallel; then imports and mypy.

`generate_all` runs ``python -m generator generate --spec S --output DIR`` for each spec (no
config, no edits), two at a time. `import_failures` imports every module of every package in one
clean interpreter per package (-I: no PYTHONPATH, no user site), and `mypy_errors` runs one
``mypy --strict`` over all packages at once, each error assigned to its package.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.support.generator_runs import REPO

__all__ = ["STOCK", "Generated", "generate_all", "generate_one", "generator_command", "import_failures", "mypy_errors"]


@dataclass(frozen=True)
class Generated:
    spec: Path
    output: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def package(self) -> str | None:
        found = sorted(init.parent.name for init in self.output.glob("*/__init__.py"))
        return found[0] if self.returncode == 0 and len(found) == 1 else None

    def failure(self) -> str:
        return f"generate exited {self.returncode}:\n{self.stderr.strip() or self.stdout.strip()}"


STOCK = "stock"


def generator_command(spec: Path, output: Path, generator: str = "ours") -> list[str]:
    """This project's CLI, or (generator="stock") plain openapi-python-client 0.29.1 for comparison."""
    if generator == STOCK:
        tool = Path(sys.executable).with_name("openapi-python-client")
        return [str(tool), "generate", "--path", str(spec), "--output-path", str(output), "--meta", "uv"]
    return [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--output", str(output)]


def generate_one(spec: Path, output: Path, generator: str = "ours") -> Generated:
    """One spec generated into `output` by this project's CLI or (generator=\"stock\") by stock."""
    # stock runs ruff from PATH, so the pinned one in this interpreter's folder goes first
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run(
        generator_command(spec, output, generator),
        cwd=REPO,
        capture_output=True,
        text=True,
        errors="replace",
        env={**os.environ, "PYTHONPATH": str(REPO), "PATH": path},
        timeout=600,
        check=False,
    )
    return Generated(spec, output, result.returncode, result.stdout, result.stderr)


def generate_all(specs: Iterable[Path], root: Path, workers: int = 2, generator: str = "ours") -> dict[str, Generated]:
    """Each spec generated into root/<spec stem>/, by name of spec file."""
    jobs = {spec.name: (spec, root / spec.stem) for spec in specs}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(generate_one, spec, out, generator) for name, (spec, out) in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


_IMPORT_EVERY_MODULE = r"""
import importlib, pathlib, sys, traceback
root, package = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
for path in sorted(pathlib.Path(root, package).rglob("*.py")):
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    name = name.removesuffix(".__init__")
    try:
        importlib.import_module(name)
    except BaseException as error:
        line = traceback.extract_tb(error.__traceback__)[-1]
        print(f"{name}: {type(error).__name__}: {error} ({pathlib.Path(line.filename).name}:{line.lineno})")
"""


def import_failures(generated: Generated) -> list[str]:
    """Modules of the package that fail to import in a clean interpreter (one line each)."""
    assert generated.package is not None
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-W",
            "error::SyntaxWarning",
            "-c",
            _IMPORT_EVERY_MODULE,
            str(generated.output),
            generated.package,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0:
        lines.append(f"the import probe exited {result.returncode}: {result.stderr.strip()[-600:]}")
    return lines


_MYPY_LINE = re.compile(r"^(?P<path>[^:]+\.py):\d+:(\d+:)? (error|note): ")


def mypy_errors(generated: Iterable[Generated], workdir: Path) -> tuple[dict[str, list[str]], str]:
    """One `mypy --strict` over every package: its errors by package name, and its whole output.

    No cache: mypy's cache reports a module's old errors under the path it had in an earlier run
    when the same package is generated again elsewhere with the same content.
    """
    packages = {g.package: g.output for g in generated if g.package is not None}
    if not packages:
        return {}, ""
    command = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", "--config-file", os.devnull]
    command += ["--cache-dir", os.devnull, "--no-error-summary", "--show-absolute-path"]
    for package in packages:
        command += ["-p", package]
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(out) for out in packages.values())}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800, check=False, cwd=workdir)
    errors: dict[str, list[str]] = {package: [] for package in packages}
    output = result.stdout + result.stderr
    for line in output.splitlines():
        match = _MYPY_LINE.match(line)
        if not match or " error: " not in line:
            continue
        path = Path(match["path"])
        for package, out in packages.items():
            if path.is_relative_to(out / package):
                errors[package].append(line.replace(str(out) + os.sep, ""))
                break
    if result.returncode not in (0, 1) or (result.returncode == 1 and not any(errors.values())):
        for package in errors:
            errors[package].append(f"mypy exited {result.returncode}: {output.strip()[-800:]}")
    return errors, output
