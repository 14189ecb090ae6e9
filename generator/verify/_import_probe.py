"""Imports the modules of a built tree in a clean interpreter; run by generator.verify.import_check, stdlib only.

Run as `python -I -S -B _import_probe.py RESULTS WARM [SITE_DIR ...]`. -I ignores PYTHON*
variables, the user's site and the current folder; -S skips site-packages' .pth files (an
editable install of the client would otherwise serve modules the tree lacks); -B writes no
bytecode into the tree. The SITE_DIRs (where the client's dependencies live) go last on sys.path.
First the comma-separated WARM modules are imported (failures ignored), ahead of the tree; then
one JSON line on stdin, {"tree": TREE, "modules": [...]}, puts TREE first on sys.path (forgetting
warmed modules of the names TREE provides) and names the modules to import. Compiling a module of the tree turns SyntaxWarning and invalid-escape
warnings into errors.

RESULTS receives one JSON object a line: {"start": module} before each import, {"enter": module}
and {"leave": module} around the execution of every module of the tree (nested imports too),
{"module": ..., "error": {...}} for each failure, then {"done": count}. Without "done", the
innermost module entered and not left is the one that ended the interpreter or hung.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any


class _Tracer(importlib.abc.MetaPathFinder):
    """Reports entering and leaving the execution of each module found in the tree."""

    def __init__(self, tree: str, emit: Callable[..., None]) -> None:
        self.tree, self.emit = tree, emit

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = spec.loader if spec is not None else None
        if spec is None or not (spec.origin or "").startswith(self.tree + os.sep) or loader is None:
            return spec
        run = loader.exec_module
        emit = self.emit

        def exec_module(module: ModuleType) -> None:
            emit(enter=fullname)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", SyntaxWarning)
                    warnings.filterwarnings("error", "invalid escape sequence", DeprecationWarning)
                    run(module)
            finally:
                emit(leave=fullname)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _describe(error: BaseException, tree: str) -> dict[str, Any]:
    """The exception, and the deepest place inside the tree that it passed through."""
    file: str | None = None
    line: int | None = None
    for frame in traceback.extract_tb(error.__traceback__):
        if os.path.realpath(frame.filename).startswith(tree + os.sep):
            file, line = frame.filename, frame.lineno
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, SyntaxError):
        file, line, message = error.filename or file, error.lineno, error.msg
    return {"type": type(error).__name__, "message": message[:300], "file": file, "line": line}


def main() -> None:
    results, warm, *sites = sys.argv[1:]
    sys.path.extend(sites)
    for name in filter(None, warm.split(",")):
        with contextlib.suppress(BaseException):  # only a head start: the tree's import reports what is missing
            importlib.import_module(name)
    request = sys.stdin.readline()
    if not request.strip():
        return  # stopped before a tree was ready
    job = json.loads(request)
    tree = os.path.realpath(job["tree"])
    provided = {name.removesuffix(".py") for name in os.listdir(tree)}
    for loaded in [name for name in sys.modules if name.partition(".")[0] in provided]:
        del sys.modules[loaded]  # warmed up from elsewhere (an installed client): the tree's own must load
    sys.path.insert(0, tree)
    importlib.invalidate_caches()
    with open(results, "w", encoding="utf-8") as out:

        def emit(**record: Any) -> None:
            out.write(json.dumps(record) + "\n")
            out.flush()

        sys.meta_path.insert(0, _Tracer(tree, emit))
        for name in job["modules"]:
            emit(start=name)
            try:
                module = importlib.import_module(name)
            except BaseException as error:  # module code may raise anything, SystemExit included
                emit(module=name, error=_describe(error, tree))
                continue
            origin = os.path.realpath(getattr(module, "__file__", None) or "?")
            if not origin.startswith(tree + os.sep):
                emit(
                    module=name,
                    error={"type": "ImportError", "message": f"imported from {origin}, not from the built tree"},
                )
        emit(done=len(job["modules"]))


if __name__ == "__main__":
    main()
