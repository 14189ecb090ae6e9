"""A second, independent build in another process, with another hash seed, to prove the output reproducible.

The two builds run at the same time (the machine's second core does the other), so the check
costs little wall time. Anything that differs between them (a template iterating a set, printing
an id, a hash or an address) makes the output something other than a pure function of the inputs.
The worker (`python -m generator.verify.second_build ...`) runs `build.build_tree` and nothing else.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from generator import settings
from generator.errors import GenerationError
from generator.inputs.files import Inputs
from generator.output.tree_diff import diff_trees
from generator.verify.origins import origin_of

__all__ = ["SecondBuild"]

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `generator` is importable from


def _other_seed() -> str:
    """A hash seed other than this process's own."""
    return "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"


class SecondBuild:
    """Starts building at once, into a temporary folder; `compare` waits and checks it against the first build.

    Start it as early as possible (see background), and always `stop` it: that ends the process if
    it still runs and removes its folder.
    """

    def __init__(self, inputs: Inputs) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="genesys-audit-second-build-"))
        self.output = self._scratch / "tree"
        self.seed = _other_seed()
        self._templates, self._runtime = inputs.templates, inputs.runtime
        command = [sys.executable, "-m", "generator.verify.second_build", "--output", str(self.output)]
        for option, path in (
            ("--spec", inputs.spec),
            ("--templates", inputs.templates),
            ("--runtime", inputs.runtime),
            ("--config", inputs.config),
            ("--ruff-config", inputs.ruff_config),
        ):
            command += [option, str(path.resolve())]
        if inputs.strict:
            command.append("--strict")
        self._process = subprocess.Popen(
            command,
            cwd=_PACKAGE_ROOT,
            env={**os.environ, "PYTHONHASHSEED": self.seed, "RAYON_NUM_THREADS": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def compare(self, fresh: Path, *, label: Path, timeout: float = settings.VERIFY_TIMEOUT) -> None:
        """Raises GenerationError unless the second build succeeded and equals `fresh` byte for byte."""
        try:
            _, errors = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise GenerationError(
                f"a second build (to check the output is reproducible) did not finish within {timeout:g} s",
                file=label,
            ) from None
        if self._process.returncode != 0:
            lines = [line for line in errors.splitlines() if line.strip()]
            reason = lines[-1].removeprefix("error: ") if lines else f"exit status {self._process.returncode}"
            raise GenerationError(
                f"a second build with PYTHONHASHSEED={self.seed} failed although the first succeeded, so the "
                f"output depends on more than the inputs: {reason}",
                file=label,
            )
        changes = diff_trees(fresh, self.output)
        differing = sorted(changes.changed + changes.added + changes.removed + changes.modes)
        if not differing:
            return
        name = differing[0]
        line = _first_differing_line(fresh / name, self.output / name)
        origin = origin_of(name, fresh, self._templates, self._runtime)
        raise GenerationError(
            f"differs between two builds (hash seeds {os.environ.get('PYTHONHASHSEED', 'random')} and {self.seed}), "
            "so the output is not a pure function of the inputs (a template iterating a set, or printing an id, a "
            f"hash or an address?){f'; {origin}' if origin else ''}",
            file=label / name,
            line=line,
        )

    def stop(self) -> None:
        """Ends the build if it still runs, and removes its folder."""
        if self._process.returncode is None:
            self._process.kill()
            self._process.communicate()
        shutil.rmtree(self._scratch, ignore_errors=True)


def _first_differing_line(first: Path, second: Path) -> int | None:
    try:
        a = first.read_bytes().splitlines()
        b = second.read_bytes().splitlines()
    except OSError:
        return None
    for number, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return number
    return min(len(a), len(b)) + 1 if len(a) != len(b) else None


def _worker(argv: list[str] | None = None) -> int:
    from generator.build import build_tree

    parser = argparse.ArgumentParser(prog="python -m generator.verify.second_build")
    for option in ("--spec", "--templates", "--runtime", "--config", "--ruff-config", "--output"):
        parser.add_argument(option, type=Path, required=True)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    inputs = Inputs(
        spec=args.spec,
        templates=args.templates,
        runtime=args.runtime,
        config=args.config,
        ruff_config=args.ruff_config,
        strict=args.strict,
    )
    try:
        build_tree(inputs, args.output)
    except GenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_worker())
