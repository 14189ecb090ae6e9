"""Compares a generated tree with a fresh build: content, mode, kind, and files only one side has.

By-products that the fresh build's own `.gitignore` names (caches, an egg-info, build/) are not
compared; everything else is, symbolic links included (compared as links, never followed). The
patch is in git's format, mode lines included, read from the compared tree (a) to the fresh build (b).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from generator.output.gitignore import IgnoreRules
from generator.output.tree_walk import Entry, walk_tree

__all__ = ["MODE_BITS", "TreeDiff", "by_product_rules", "diff_trees"]

# The mode bits a build decides: execute, setuid, setgid, sticky. Read and write bits follow the
# umask (and git records none of them), so they are not compared.
MODE_BITS = 0o7111


@dataclass
class TreeDiff:
    added: list[str] = field(default_factory=list)  # in the fresh build only: missing from the tree
    removed: list[str] = field(default_factory=list)  # in the tree only: generation does not produce them
    changed: list[str] = field(default_factory=list)  # content differs, or one side is not a regular file
    modes: list[str] = field(default_factory=list)  # execute or special mode bits differ
    patch: str = ""

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed or self.modes)


def by_product_rules(fresh: Path) -> IgnoreRules:
    """What counts as a build by-product: the patterns of the fresh build's own `.gitignore`."""
    return IgnoreRules.read(fresh / ".gitignore")


def diff_trees(committed: Path, fresh: Path, label: str = "generated") -> TreeDiff:
    """What would change if `fresh` replaced `committed` (which may be absent)."""
    rules = by_product_rules(fresh)
    old = walk_tree(committed, rules).entries if committed.is_dir() and not committed.is_symlink() else {}
    new = walk_tree(fresh, rules).entries
    result = TreeDiff()
    chunks: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        content_differs = before is None or after is None or _content(before) != _content(after)
        mode_differs = (
            before is not None
            and after is not None
            and before.kind == after.kind == "file"
            and before.mode & MODE_BITS != after.mode & MODE_BITS
        )
        if not (content_differs or mode_differs):
            continue
        if before is None:
            result.added.append(name)
        elif after is None:
            result.removed.append(name)
        elif content_differs:
            result.changed.append(name)
        if mode_differs:
            result.modes.append(name)
        chunks.append(_file_patch(f"{label}/{name}", before, after, content_differs, mode_differs))
    result.patch = "".join(chunks)
    return result


def _content(entry: Entry) -> bytes:
    if entry.kind == "file":
        return entry.path.read_bytes()
    if entry.kind == "symlink":
        return f"<symbolic link to {entry.path.readlink().as_posix()!r}>\n".encode()
    return b"<not a regular file>\n"


def _lines(entry: Entry | None) -> list[str] | None:
    """The entry's lines; None for a binary file."""
    if entry is None:
        return []
    data = _content(entry)
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def _file_patch(name: str, before: Entry | None, after: Entry | None, content_differs: bool, mode_differs: bool) -> str:
    old_name = f"a/{name}" if before is not None else "/dev/null"
    new_name = f"b/{name}" if after is not None else "/dev/null"
    out = [f"diff --git a/{name} b/{name}\n"]
    if before is None and after is not None:
        out.append(f"new file mode {after.mode:o}\n")
    elif after is None and before is not None:
        out.append(f"deleted file mode {before.mode:o}\n")
    elif mode_differs and before is not None and after is not None:
        out += [f"old mode {before.mode:o}\n", f"new mode {after.mode:o}\n"]
    if not content_differs:
        return "".join(out)
    old_lines, new_lines = _lines(before), _lines(after)
    if old_lines is None or new_lines is None:
        out.append(f"Binary files {old_name} and {new_name} differ\n")
        return "".join(out)
    for line in difflib.unified_diff(old_lines, new_lines, fromfile=old_name, tofile=new_name):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
