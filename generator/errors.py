"""The one error type the generator reports: what went wrong, and where."""

from __future__ import annotations

from pathlib import Path

__all__ = ["GenerationError"]


class GenerationError(Exception):
    """A problem with the generator's inputs, named by file and, where known, line and JSON pointer."""

    def __init__(self, message: str, *, file: Path | None = None, line: int | None = None, pointer: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.pointer = pointer
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = _display(self.file)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        if self.pointer is not None:
            where += f"at {self.pointer or '/'}: "
        return f"{where}{self.message}"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
