"""generate and check: build a tree in a scratch folder (build.py), verify it, then swap it in or compare."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.build import build_tree
from generator.errors import GenerationError
from generator.inputs.files import Inputs
from generator.notices import Notices
from generator.output.target import Target, inspect_previous, inspect_target, remove_tree, replace_tree
from generator.output.tree_diff import TreeDiff, diff_trees
from generator.verify.background import Background
from generator.verify.tree import located, verify_tree

__all__ = ["CheckResult", "GenerateResult", "check", "generate"]


@dataclass(frozen=True)
class CheckResult:
    changes: TreeDiff
    remedy: str  # what fixes the differences
    notices: Notices


@dataclass(frozen=True)
class GenerateResult:
    changes: TreeDiff
    notices: Notices


def generate(inputs: Inputs, target: Path, background: Background | None = None) -> GenerateResult:
    """Regenerates `target` (replaced whole, only after a complete, verified build); returns what changed.

    Verified: every name defined and every module importing in a clean interpreter. That the build is a pure
    function of its inputs is `check`'s to prove, with a second build under another hash seed.

    `background` holds the verifying processes for these inputs, if the caller started them already.
    """
    with background or Background(inputs, reproduce=False) as helpers:
        return _generate(inputs, target, helpers)


def check(inputs: Inputs, target: Path, background: Background | None = None) -> CheckResult:
    """Builds and verifies a fresh tree in a temporary folder, proves it reproducible with a second build, and
    compares it with `target`."""
    with background or Background(inputs) as helpers:
        _check_inputs(inputs)
        place = inspect_target(target, inputs.paths)
        with tempfile.TemporaryDirectory(prefix="genesys-audit-check-") as scratch:
            fresh = Path(scratch) / "tree"
            notices = _build_verified(inputs, fresh, helpers, label=place.path)
            objection = place.objection or inspect_previous(place, fresh)[0]
            changes = diff_trees(place.path, fresh, label=place.path.name)
    if objection is not None:
        return CheckResult(changes, f"generate would refuse it: {objection}", notices)
    return CheckResult(changes, "run `python -m generator generate` and commit; never edit it by hand", notices)


def _generate(inputs: Inputs, target: Path, helpers: Background) -> GenerateResult:
    _check_inputs(inputs)
    place = _replaceable(target, inputs)
    scratch = _scratch_beside(target, place.path)
    keep_scratch = False
    try:
        fresh = scratch / "tree"
        notices = _build_verified(inputs, fresh, helpers, label=place.path)
        objection, by_products = inspect_previous(place, fresh)
        if objection is not None:
            raise objection
        changes = diff_trees(place.path, fresh, label=place.path.name)
        if changes.clean and place.state == "generation":
            return GenerateResult(changes, notices)  # nothing to swap: the tree in place is the fresh one
        again = _replaceable(target, inputs)
        if (again.path, again.state) != (place.path, place.state):
            raise GenerationError("changed while generate was building; run it again", file=target)
        try:
            stranded = replace_tree(fresh, place.path, scratch / "previous", by_products)
        except OSError as exc:
            keep_scratch = (scratch / "previous").exists()
            kept = f"; the previous tree is kept in {scratch / 'previous'}" if keep_scratch else ""
            raise GenerationError(f"cannot swap the new tree in: {exc.strerror}{kept}", file=target) from None
        if stranded:
            keep_scratch = True
            raise GenerationError(
                f"the new tree is in place, but {len(stranded)} by-products of the old one could not be moved into it "
                f"(first {stranded[0]}); they are kept in {scratch / 'previous'}",
                file=target,
            )
    finally:
        if not keep_scratch:
            remove_tree(scratch)
    return GenerateResult(changes, notices)


def _check_inputs(inputs: Inputs) -> None:
    if not inputs.spec.is_file():
        problem = "is a folder" if inputs.spec.is_dir() else "does not exist"
        raise GenerationError(f"{problem}; --spec names the OpenAPI document (a YAML file)", file=inputs.spec)
    for folder, option in ((inputs.templates, "--templates"), (inputs.runtime, "--runtime")):
        if not folder.is_dir():
            raise GenerationError(f"is not a folder; {option} names one", file=folder)


def _replaceable(target: Path, inputs: Inputs) -> Target:
    place = inspect_target(target, inputs.paths)
    if place.objection is not None:
        raise place.objection
    return place


def _scratch_beside(target: Path, path: Path) -> Path:
    """A temporary folder next to the target, so that the swap is a rename on one file system."""
    try:
        return Path(tempfile.mkdtemp(prefix=".generate-", dir=path.parent))
    except OSError as exc:
        raise GenerationError(
            f"cannot create a temporary folder beside it in {path.parent}: {exc.strerror}; choose a folder you can "
            "write to",
            file=target,
        ) from None


def _build_verified(inputs: Inputs, fresh: Path, helpers: Background, *, label: Path) -> Notices:
    """Builds into `fresh` and proves it: it verifies (see verify) and the second build, if any, matches it.

    A GenerationError carries the notices found before it (`notices`): a warning often explains it."""
    notices = Notices(strict=inputs.strict)
    try:
        try:
            build_tree(inputs, fresh, notices, helpers.schema_check)
        except GenerationError as error:
            raise located(error, fresh, label=label, templates=inputs.templates, runtime=inputs.runtime) from None
        verify_tree(fresh, label=label, templates=inputs.templates, runtime=inputs.runtime, probe=helpers.import_probe)
        if helpers.second_build is not None:
            helpers.second_build.compare(fresh, label=label)
    except GenerationError as error:
        error.notices = notices
        raise
    return notices
