"""Compares two generated trees file by file and renders the differences as a unified diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["TreeDiff", "diff_trees"]


@dataclass
class TreeDiff:
    added: list[str] = field(default_factory=list)  # in the fresh tree only
    removed: list[str] = field(default_factory=list)  # in the committed tree only
    changed: list[str] = field(default_factory=list)
    patch: str = ""

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed)


# By-products of building or installing the package (pip install ./generated), not generator output.
_TOP_LEVEL_BY_PRODUCTS = frozenset({"build", "dist"})


def _is_by_product(relative: Path) -> bool:
    return (
        relative.parts[0] in _TOP_LEVEL_BY_PRODUCTS
        or relative.suffix == ".pyc"
        or any(part == "__pycache__" or part.endswith(".egg-info") for part in relative.parts)
    )


def _files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and not _is_by_product(path.relative_to(root))
    }


def _lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return [f"<binary file, sha differs: {path.name}>\n"]


def diff_trees(committed: Path, fresh: Path, label: str = "generated") -> TreeDiff:
    """What would change if `fresh` replaced `committed`."""
    old, new = _files(committed), _files(fresh)
    result = TreeDiff()
    chunks: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before is not None and after is not None and before.read_bytes() == after.read_bytes():
            continue
        if before is None:
            result.added.append(name)
        elif after is None:
            result.removed.append(name)
        else:
            result.changed.append(name)
        chunks.extend(
            difflib.unified_diff(
                _lines(before),
                _lines(after),
                fromfile=f"a/{label}/{name}" if before else "/dev/null",
                tofile=f"b/{label}/{name}" if after else "/dev/null",
            )
        )
    result.patch = "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
    return result
