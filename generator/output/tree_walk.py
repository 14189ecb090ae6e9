"""Lists a folder's files without following symbolic links, setting aside what its ignore rules name."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.errors import GenerationError
from generator.output.gitignore import IgnoreRules

__all__ = ["Entry", "Tree", "walk_tree"]

Kind = Literal["file", "symlink", "other"]


@dataclass(frozen=True)
class Entry:
    path: Path
    kind: Kind  # a regular file, a symbolic link (never followed), or anything else (fifo, socket, device)
    mode: int  # st_mode, from lstat


@dataclass
class Tree:
    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)  # by posix path relative to root; folders not listed
    ignored: list[str] = field(default_factory=list)  # topmost ignored paths; ignored folders are not entered
    mounts: list[str] = field(default_factory=list)  # folders on another file system than root (not entered)


def walk_tree(root: Path, rules: IgnoreRules) -> Tree:
    """Everything under `root` (which must be a real folder), in sorted order."""
    tree = Tree(root)
    _walk(tree, root, "", os.lstat(root).st_dev, rules)
    return tree


def _walk(tree: Tree, folder: Path, prefix: str, device: int, rules: IgnoreRules) -> None:
    try:
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda child: child.name)
    except OSError as exc:
        raise GenerationError(f"cannot list this folder: {exc.strerror}", file=folder) from None
    for child in children:
        relative = prefix + child.name
        info = child.stat(follow_symlinks=False)
        is_dir = stat.S_ISDIR(info.st_mode)
        if rules.ignores(relative, is_dir=is_dir):
            tree.ignored.append(relative)
        elif is_dir and info.st_dev != device:
            tree.mounts.append(relative)
        elif is_dir:
            _walk(tree, Path(child.path), relative + "/", device, rules)
        else:
            tree.entries[relative] = Entry(Path(child.path), _kind(info.st_mode), info.st_mode)


def _kind(mode: int) -> Kind:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"
