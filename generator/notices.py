"""What a build tells the user without stopping: names it derived, values it adjusted, parts it left out.

A `Notice` is informational (an operation named from its method and path, a version made valid); a
warning is a part of the spec that generates nothing (an operation the runtime cannot serve, a response
of a type it cannot read). `--strict` turns warnings into the errors they would otherwise be. Each
names its place as a GenerationError does: file, line and JSON pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.errors import GenerationError, Problems

__all__ = ["Notice", "Notices"]


@dataclass(frozen=True)
class Notice:
    kind: Literal["notice", "warning"]
    place: GenerationError  # the message and where it applies

    def __str__(self) -> str:
        return f"{self.kind}: {self.place}"


class Notices:
    """The notices of one build, in the order found; `strict` makes each warning an error at once."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.items: list[Notice] = []

    def notice(self, place: GenerationError) -> None:
        self.items.append(Notice("notice", place))

    def warning(self, place: GenerationError) -> None:
        """A part left out of the client (with `strict`, a refusal: see `refuse_warnings`)."""
        self.items.append(Notice("warning", place))

    def refuse_warnings(self) -> None:
        """With `strict`, raises every warning so far as the error it stands for."""
        if not self.strict:
            return
        refused = [
            GenerationError(
                f"{n.place.message} (--strict refuses it)",
                file=n.place.file,
                line=n.place.line,
                pointer=n.place.pointer,
            )
            for n in self.items
            if n.kind == "warning"
        ]
        if refused:
            raise Problems.of(refused)
