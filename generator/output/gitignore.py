"""Reads one `.gitignore` file and answers, as git would, whether a path below its folder is ignored.

Supported: comments and blank lines, escapes (`\\#`, `\\!`, `\\ `), trailing-space trimming,
negation (`!`), directory-only patterns (`dir/`), anchoring (`/name`, or a slash inside the
pattern), `*`, `?`, `[...]` classes, and `**` (`**/name`, `name/**`, `a/**/b`).
Only the one file is read: ignore files in subfolders, `.git/info/exclude` and global excludes do
not apply. As in git, a path inside an ignored folder is ignored whatever later patterns say; the
caller walks top-down and does not descend into a folder `ignores` reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IgnoreRules"]


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negated: bool
    directories_only: bool


class IgnoreRules:
    """The patterns of one ignore file, matched against paths relative to its folder."""

    def __init__(self, lines: list[str]) -> None:
        self._rules = [rule for rule in map(_parse, lines) if rule is not None]

    @classmethod
    def read(cls, path: Path) -> IgnoreRules:
        """The rules in `path`; none when it does not exist (or is not a regular file)."""
        if not path.is_file() or path.is_symlink():
            return cls([])
        return cls(path.read_text(encoding="utf-8", errors="replace").splitlines())

    def __bool__(self) -> bool:
        return bool(self._rules)

    def ignores(self, relative: str, *, is_dir: bool) -> bool:
        """Whether the entry `relative` (posix, no leading slash) itself matches; the last matching rule wins."""
        ignored = False
        for rule in self._rules:
            if rule.directories_only and not is_dir:
                continue
            if rule.regex.fullmatch(relative):
                ignored = not rule.negated
        return ignored


def _parse(line: str) -> _Rule | None:
    line = _trim_trailing_spaces(line)
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    directories_only = line.endswith("/") and not line.endswith("\\/")
    if directories_only:
        line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.removeprefix("/")
    body = _translate(line)
    regex = body if anchored else f"(?:.*/)?{body}"
    return _Rule(re.compile(regex, re.DOTALL), negated, directories_only)


def _trim_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped + " "  # an escaped space is kept
    return stripped


def _translate(pattern: str) -> str:
    """The regular expression for a pattern's path part (already without `!`, leading `/` and trailing `/`)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        at_segment_start = i == 0 or pattern[i - 1] == "/"
        if at_segment_start and pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")  # zero or more folders
            i += 3
        elif at_segment_start and i + 2 == n and pattern.startswith("**", i):
            out.append(".*")  # `name/**`: everything inside (the `/` is already emitted)
            i += 2
        elif pattern[i] == "*":
            while i < n and pattern[i] == "*":  # other runs of asterisks are a plain `*`
                i += 1
            out.append("[^/]*")
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            klass, i = _translate_class(pattern, i)
            out.append(klass)
        elif pattern[i] == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def _translate_class(pattern: str, start: int) -> tuple[str, int]:
    """A `[...]` class at `start`, and the index after it; a `[` without its `]` is a literal."""
    i = start + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    first = i
    while i < len(pattern) and (pattern[i] != "]" or i == first):
        i += 1
    if i >= len(pattern):
        return re.escape("["), start + 1
    members = pattern[first:i].replace("[", "\\[")
    return (f"[^/{members}]" if negated else f"[{members}]"), i + 1
