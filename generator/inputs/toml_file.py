"""Reading the generator's TOML inputs (the API config, layer manifests, OVERRIDES.toml) with line numbers.

A file that cannot be read, is not UTF-8 or is not TOML is one GenerationError naming the file and the
line; `line_of_key` finds where a key is written, so that a bad value is named at its own line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError

__all__ = ["TomlFile", "line_of_key", "read_toml"]

_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")


@dataclass(frozen=True)
class TomlFile:
    path: Path
    text: str
    data: dict[str, Any]

    def error(self, message: str, key: str | None = None, *, after: int | None = None) -> GenerationError:
        """A GenerationError naming the file and, when given, the line where `key` is written."""
        line = line_of_key(self.text, key, after) if key is not None else None
        return GenerationError(message, file=self.path, line=line)


def read_toml(path: Path, what: str) -> TomlFile:
    """Reads `path` (`what` says what it is, for the message when it cannot be read)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise GenerationError(f"cannot read the {what}: {error.strerror or error}", file=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise GenerationError(f"not UTF-8 (byte {error.start})", file=path, line=line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _POSITION.search(str(error))
        raise GenerationError(
            f"not valid TOML: {_POSITION.sub('', str(error))}",
            file=path,
            line=int(position.group(1)) if position else None,
        ) from None
    return TomlFile(path, text, data)


def line_of_key(text: str, key: str, after: int | None = None) -> int | None:
    """The first line at or after line `after` that assigns `key` (or opens a table of that name)."""
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|\[+\s*{re.escape(key)}\s*\]+)\s*(?:=|$)")
    for number in range((after or 1) - 1, len(lines)):
        if pattern.match(lines[number]):
            return number + 1
    return None
