"""The one error type the generator reports: what went wrong, and where.

Each error is one line: a control character or a bidirectional control in a path or in a value quoted
from the spec is shown as its escape (`\\n`, `\\x1b`, `\\u202e`), so that no input can split a message,
reorder it or send a terminal escape sequence to the screen.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GenerationError", "Problems", "printable"]

# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
_ESCAPES = {
    code: repr(chr(code))[1:-1]
    for code in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def printable(text: str) -> str:
    """`text` on one line, each control character shown as its escape."""
    return text.translate(_ESCAPES)


class GenerationError(Exception):
    """A problem with the generator's inputs, named by file and, where known, line and JSON pointer."""

    def __init__(self, message: str, *, file: Path | None = None, line: int | None = None, pointer: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.pointer = pointer
        self.notices: object = None  # what the build said before it failed (generator.notices.Notices), if any
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
        return printable(f"{where}{self.message}")


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
