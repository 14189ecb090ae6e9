"""The one error type the generator reports: what went wrong, and where."""

from __future__ import annotations

from pathlib import Path

__all__ = ["GenerationError", "Problems"]


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


class Problems(GenerationError):
    """Several problems found in one pass; each names its own place, one per line."""

    def __init__(self, problems: list[GenerationError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    @staticmethod
    def of(problems: list[GenerationError]) -> GenerationError:
        """The one problem itself, or all of them together."""
        return problems[0] if len(problems) == 1 else Problems(problems)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
