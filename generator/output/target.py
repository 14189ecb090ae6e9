"""Which folder `generate` may replace, and the swap itself.

generate replaces its --output folder whole, so it first makes sure nothing but a generation is
lost. It replaces a folder only when it is

- absent, inside an existing folder it can write to;
- empty; or
- a previous generation: its PROVENANCE.json is a regular file holding a record as this generator
  writes it (a JSON object whose "generator" is "python -m generator generate", with "versions"
  mapping package names to version strings and "inputs" mapping file names to sha256 digests),
  and every entry at its top level is one that generation writes (as the fresh build shows) or a
  build by-product that the fresh build's .gitignore names (an egg-info, build/, caches, a venv).

It refuses anything else, before touching it: the file-system root, a symbolic link (never
followed), a file, a folder that holds or lies inside the generator's inputs, a folder that
another file system is mounted in, and the current folder or one holding it (the shell would be
left in a deleted folder). By-products are moved into the new tree, not deleted; nothing
outside the folder is changed except a temporary sibling folder (`.generate-*`) that is removed
afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator.errors import GenerationError
from generator.output.tree_diff import by_product_rules
from generator.output.tree_walk import walk_tree
from generator.settings import PINNED_VERSIONS, PROVENANCE_FILE, PROVENANCE_GENERATOR

__all__ = ["Target", "inspect_previous", "inspect_target", "remove_tree", "replace_tree"]

_MAX_PROVENANCE_BYTES = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ANYWHERE = "give a new folder, an empty one, or one that generate wrote before"


@dataclass(frozen=True)
class Target:
    path: Path  # absolute, its parent resolved; the last component as given (a link there is refused)
    state: Literal["absent", "empty", "generation"]
    objection: GenerationError | None  # why generate must not replace it, though check may compare it


def inspect_target(given: Path, inputs: Sequence[Path]) -> Target:
    """Looks at --output without changing anything; raises when it is not a generated tree at all."""
    if str(given).startswith("~"):
        raise GenerationError(
            "--output starts with '~', which the shell did not expand; write the home folder out "
            "(or ./~name for a folder really named so)",
            file=given,
        )
    path = _absolute(given)
    if path.parent == path:
        raise GenerationError(f"is the file-system root; {_ANYWHERE}", file=given)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise GenerationError(
            f"the path it would go in, {_first_non_folder(path)}, is not a folder", file=given
        ) from None
    except OSError as exc:
        raise GenerationError(f"cannot look at it: {exc.strerror}", file=given) from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise GenerationError(
            "is a symbolic link; generate never follows one (it replaces --output whole): give the real folder",
            file=given,
        )
    _refuse_overlap(given, path, inputs)
    if info is None:
        return Target(path, "absent", _parent_objection(given, path))
    if not stat.S_ISDIR(info.st_mode):
        kind = "a file" if stat.S_ISREG(info.st_mode) else "not a folder"
        raise GenerationError(f"is {kind}, not a folder; {_ANYWHERE}", file=given)
    try:
        names = os.listdir(path)
    except OSError as exc:
        raise GenerationError(f"cannot list this folder: {exc.strerror}", file=given) from None
    if not names:
        return Target(path, "empty", _cwd_objection(given, path) or _parent_objection(given, path))
    if PROVENANCE_FILE not in names:
        raise GenerationError(
            f"is not empty and holds no {PROVENANCE_FILE}, so it is no previous generation; generate "
            f"replaces --output whole: {_ANYWHERE}",
            file=given,
        )
    objection = _provenance_objection(given, path) or _cwd_objection(given, path) or _parent_objection(given, path)
    return Target(path, "generation", objection)


def inspect_previous(target: Target, fresh: Path) -> tuple[GenerationError | None, list[str]]:
    """After the build: why the previous tree must not be replaced by `fresh` (or None), and its by-products.

    The by-products are the topmost paths under the target that the fresh build's .gitignore names.
    The top level is looked at first, so a folder that is no generation is not walked at all.
    """
    if target.state != "generation":
        return None, []
    rules = by_product_rules(fresh)
    produced = {child.name for child in fresh.iterdir()}
    foreign = sorted(
        name
        for name in os.listdir(target.path)
        if name not in produced and not rules.ignores(name, is_dir=_is_real_dir(target.path / name))
    )
    if foreign:
        them = "them" if len(foreign) > 1 else "it"
        return GenerationError(
            f"holds {_english_list(foreign)}, which generation does not write and its .gitignore does not name; "
            f"move {them} out of the folder (generate replaces it whole), then run generate again",
            file=target.path,
        ), []
    previous = walk_tree(target.path, rules)
    if previous.mounts:
        return GenerationError(
            f"another file system is mounted at {previous.mounts[0]}; generate does not delete across mount points: "
            "unmount it first",
            file=target.path,
        ), []
    return None, previous.ignored


def replace_tree(fresh: Path, target: Path, retired: Path, by_products: Sequence[str]) -> list[str]:
    """Swaps `fresh` in at `target` (two renames), then moves the previous tree's by-products into it.

    `retired` (a path beside `fresh`, in the same temporary folder) receives the previous tree.
    Returns the by-products that could not be moved (they are still in `retired`).
    """
    if not os.path.lexists(target):
        os.rename(fresh, target)
        return []
    os.rename(target, retired)
    try:
        os.rename(fresh, target)
    except OSError:
        os.rename(retired, target)
        raise
    stranded: list[str] = []
    real_target = os.path.realpath(target)
    for relative in by_products:
        destination = target / relative
        parent = os.path.realpath(destination.parent)
        if parent != real_target and not parent.startswith(real_target + os.sep):
            continue  # the new tree has a link there: leave the by-product to be discarded, never follow it
        if not _is_real_dir(destination.parent) or os.path.lexists(destination):
            continue  # its folder is gone from the new tree, or the new tree has a file of that name
        try:
            os.rename(retired / relative, destination)
        except OSError:
            stranded.append(relative)
    return stranded


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _english_list(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`, `a, b, c and 2 more`."""
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _absolute(given: Path) -> Path:
    """The absolute path, symbolic links resolved in every component but the last."""
    absolute = Path(os.getcwd()) / given
    if absolute.name in ("", ".", ".."):
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name


def _first_non_folder(path: Path) -> Path:
    for ancestor in reversed(path.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return ancestor
    return path.parent


def _refuse_overlap(given: Path, path: Path, inputs: Sequence[Path]) -> None:
    for source in inputs:
        resolved = source.resolve()
        if resolved == path:
            raise GenerationError(
                "is one of the generator's inputs; give a folder outside the spec, templates, runtime and generator "
                "folders",
                file=given,
            )
        if resolved.is_relative_to(path):
            raise GenerationError(
                f"holds the generator's input {resolved}; give a folder outside the spec, templates, runtime "
                "and generator folders",
                file=given,
            )
        if path.is_relative_to(resolved):
            raise GenerationError(f"lies inside the generator's input {resolved}; give a folder outside it", file=given)


def _cwd_objection(given: Path, path: Path) -> GenerationError | None:
    """Replacing the current folder (or one holding it) would leave the shell in a deleted folder."""
    here = Path(os.getcwd()).resolve()
    if here == path or here.is_relative_to(path):
        return GenerationError(
            "is the current folder or holds it; generate replaces --output whole, which would leave this shell "
            "in a deleted folder: run it from outside (e.g. cd .. and give the folder's name)",
            file=given,
        )
    return None


def _parent_objection(given: Path, path: Path) -> GenerationError | None:
    parent = path.parent
    if not parent.exists():
        return GenerationError(f"the folder it would go in, {parent}, does not exist; create it first", file=given)
    if not parent.is_dir():
        return GenerationError(f"the path it would go in, {parent}, is not a folder", file=given)
    if not os.access(parent, os.W_OK | os.X_OK):
        return GenerationError(
            f"cannot write in {parent} (generate builds beside --output, then swaps it in); "
            "choose a folder you can write to",
            file=given,
        )
    return None


def _provenance_objection(given: Path, folder: Path) -> GenerationError | None:
    record = folder / PROVENANCE_FILE
    problem, line = _provenance_problem(record)
    if problem is None:
        return None
    return GenerationError(
        f"not a provenance record this generator writes ({problem}), so generate will not replace "
        f"{given}: restore the file from version control, or delete the folder yourself if it is a generation",
        file=record,
        line=line,
    )


def _provenance_problem(record: Path) -> tuple[str | None, int | None]:
    try:
        info = os.lstat(record)
    except OSError as exc:
        return f"cannot read it: {exc.strerror}", None
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link", None
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file", None
    if info.st_size > _MAX_PROVENANCE_BYTES:
        return f"{info.st_size} bytes is more than any record", None
    try:
        data = record.read_bytes()
    except OSError as exc:
        return f"cannot read it: {exc.strerror}", None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"byte {exc.start} is not UTF-8", data.count(b"\n", 0, exc.start) + 1
    try:
        content: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg}", exc.lineno
    if not isinstance(content, dict):
        return "not a JSON object", 1
    if content.get("generator") != PROVENANCE_GENERATOR:
        return f'"generator" is {content.get("generator")!r}, not {PROVENANCE_GENERATOR!r}', _line(text, "generator")
    versions, inputs = content.get("versions"), content.get("inputs")
    if not (
        isinstance(versions, dict)
        and set(PINNED_VERSIONS) <= set(versions)
        and all(isinstance(v, str) for v in versions.values())
    ):
        return f'"versions" does not name the version of each of {", ".join(sorted(PINNED_VERSIONS))}', _line(
            text, "versions"
        )
    if not (
        inputs
        and isinstance(inputs, dict)
        and all(isinstance(v, str) and _SHA256.fullmatch(v) for v in inputs.values())
    ):
        return '"inputs" is not a mapping of file names to sha256 digests', _line(text, "inputs")
    return None, None


def _line(text: str, key: str) -> int | None:
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def remove_tree(path: Path) -> None:
    """Deletes a temporary folder; symbolic links inside are removed, never followed."""
    shutil.rmtree(path, ignore_errors=True)
