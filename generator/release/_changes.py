"""One change a user of the package could notice, how much it matters, and where a changelog lists it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["SECTIONS", "Change", "Level"]

# Keep a Changelog's sections, in the order a release lists them.
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


class Level(IntEnum):
    """What a change asks of the version (Semantic Versioning)."""

    PATCH = 1  # wording, documentation, a fix: nothing a caller must change
    FEATURE = 2  # something new; every existing call still works
    BREAKING = 3  # an existing call may stop working or mean something else

    @property
    def label(self) -> str:
        return {Level.PATCH: "patch", Level.FEATURE: "feature", Level.BREAKING: "breaking"}[self]


@dataclass(frozen=True, order=True)
class Change:
    level: Level
    section: str  # one of SECTIONS
    text: str  # one line of Markdown, naming things as a Python user calls them
    origin: str  # "wire" (the spec), "python" (the package's public API) or "package" (its files)
    anchor: tuple[str, ...] = ()  # Python names it is about (for a wire change: any of them, see `explains`)
    detail: str | None = None  # the argument or field it is about, if any

    def explains(self, other: Change) -> bool:
        """Whether this wire change accounts for a Python API change: the Python path names one of its names (and
        its argument or field, when it has one), and the Python change is no graver."""
        if self.origin != "wire" or other.origin != "python" or other.level > self.level:
            return False
        if not any(name in other.anchor for name in self.anchor):
            return False
        if self.detail is None:
            return True
        return other.detail == self.detail or (other.detail is None and other.anchor[-1] == self.detail)
