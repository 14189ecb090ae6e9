"""release and its check: compare the package as it is with the last release, choose the next version,
record it, and regenerate.

The present is read from the spec (its wire surface), from the generated tree (its public Python API,
with griffe, and a digest of its files) and from the spec's config (the version it carries). The last
release is read from the record next to the spec (_records). The version follows the graver of the two
diffs; a package whose files changed while neither its API nor the wire did gets a patch release.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import yaml
from openapi_python_client.strings import ClassName, PythonIdentifier

from generator import settings
from generator.errors import GenerationError
from generator.inputs.api_config import config_path, load_api_config
from generator.inputs.files import Inputs
from generator.release._changes import SECTIONS, Change, Level
from generator.release._package_digest import package_digest
from generator.release._python_api import python_changes, python_surface
from generator.release._records import (
    Cause,
    History,
    ReleaseEntry,
    Snapshot,
    changelog_path,
    read_history,
    read_snapshot,
    replace_text,
    snapshot_path,
    write_history,
    write_snapshot,
)
from generator.release._version import next_version, parse_version
from generator.release._wire import WireNames, wire_surface
from generator.release._wire_changes import wire_changes
from generator.spec import load_spec

__all__ = ["Outcome", "check_release", "plan_release", "release"]


@dataclass(frozen=True)
class _Present:
    package: str
    distribution: str
    version: str  # what the config says now
    snapshot: Snapshot


@dataclass(frozen=True)
class Outcome:
    """What release computes: the next version and why."""

    previous: str | None  # the last release (None: there is none yet)
    version: str  # the version to release (the previous one when nothing changed)
    wire: tuple[Change, ...]
    python: tuple[Change, ...]
    package_changed: bool  # the package's files differ from the last release's
    first: tuple[str, ...] = ()  # for a first release: its operations, as the changelog names them

    @property
    def wire_level(self) -> Level | None:
        return max((c.level for c in self.wire), default=None)

    @property
    def python_level(self) -> Level | None:
        return max((c.level for c in self.python), default=None)

    @property
    def level(self) -> Level | None:
        """The gravest change; None when there is nothing to release."""
        levels = [lvl for lvl in (self.wire_level, self.python_level) if lvl is not None]
        if levels:
            return max(levels)
        return Level.PATCH if self.package_changed else None

    @property
    def needed(self) -> bool:
        return self.previous is None or self.level is not None

    def sections(self) -> dict[str, list[str]]:
        """The changelog's lines: every wire change, and the Python API changes no wire change accounts for."""
        if self.previous is None:
            listed = "; ".join(self.first)
            return {
                "Added": [f"First release: {len(self.first)} operation(s): {listed}." if listed else "First release."]
            }
        shown = list(self.wire) + [p for p in self.python if not any(w.explains(p) for w in self.wire)]
        if not shown and self.package_changed:
            shown.append(
                Change(
                    Level.PATCH,
                    "Changed",
                    "The package's code or text changed; its Python API and the wire did not.",
                    "package",
                )
            )
        sections: dict[str, list[str]] = {}
        for change in sorted(shown, key=lambda c: (-c.level, c.text)):
            prefix = "**Breaking:** " if change.level is Level.BREAKING else ""
            sections.setdefault(change.section, []).append(prefix + change.text)
        return {section: sections[section] for section in SECTIONS if section in sections}


def _names(inputs: Inputs) -> WireNames:
    prefix = "field_"
    try:
        config = yaml.safe_load(inputs.config.read_text(encoding="utf-8"))
        if isinstance(config, dict) and isinstance(config.get("field_prefix"), str):
            prefix = config["field_prefix"]
    except (OSError, yaml.YAMLError):
        pass
    return WireNames(lambda name: str(PythonIdentifier(name, prefix)), lambda name: str(ClassName(name, prefix)))


def _present(inputs: Inputs, tree: Path) -> _Present:
    document = load_spec(inputs.spec)
    api = load_api_config(document)
    wire = wire_surface(document, _names(inputs))
    python = python_surface(tree, api.package, api.version)
    snapshot = Snapshot(api.version, package_digest(tree, api.version), wire, python)
    return _Present(api.package, api.distribution, api.version, snapshot)


def plan_release(inputs: Inputs, tree: Path) -> Outcome:
    """What `release` would do now, changing nothing (the tree must be generated from the inputs)."""
    history = read_history(changelog_path(inputs.spec))
    return _plan(inputs, _present(inputs, tree), read_snapshot(snapshot_path(inputs.spec)), history.words)


def _plan(inputs: Inputs, present: _Present, last: Snapshot | None, words: dict[str, str]) -> Outcome:
    if last is None:
        operations = tuple(
            f"`{facts['python'] or place.removeprefix('operation ')}` ({facts['request']})"
            for place, facts in present.snapshot.wire.items()
            if place.startswith("operation ") and " / " not in place
        )
        return Outcome(None, present.version, (), (), True, operations)
    if present.version != last.version:
        raise GenerationError(
            f"says version {present.version}, but the last release ({snapshot_path(inputs.spec).name}) is "
            f"{last.version}: release sets the version; put it back to {last.version} and run release",
            file=config_path(inputs.spec),
        )
    wire = tuple(sorted(wire_changes(last.wire, present.snapshot.wire, words)))
    python = tuple(sorted(python_changes(last.python, present.snapshot.python)))
    changed = last.package != present.snapshot.package
    outcome = Outcome(last.version, last.version, wire, python, changed)
    if outcome.level is None:
        return outcome
    return Outcome(last.version, next_version(last.version, outcome.level), wire, python, changed)


def release(
    inputs: Inputs,
    target: Path,
    cause: Cause,
    date: str,
    *,
    version: str | None = None,
    regenerate: Any = None,
) -> Outcome:
    """Releases what changed since the last release: writes the version into the spec's config, a changelog
    entry into the history, regenerates `target` (with `regenerate(inputs, target)`) and records the new
    release. When generation fails, the config and the history are put back as they were."""
    _require_current(target)
    present = _present(inputs, target)
    history = read_history(changelog_path(inputs.spec))
    outcome = _plan(inputs, present, read_snapshot(snapshot_path(inputs.spec)), history.words)
    if not outcome.needed:
        return outcome
    if version is not None:
        outcome = _chosen(outcome, version)
    _check_history(history, outcome.previous)
    try:
        link = cause.link(history.links or {})
    except ValueError as error:
        raise GenerationError(str(error), file=history.path) from None
    level = outcome.level.label if outcome.level is not None and outcome.previous is not None else "initial"
    entry = ReleaseEntry(outcome.version, date, level, cause, link, outcome.sections())
    config_file = config_path(inputs.spec)
    config_before = config_file.read_text(encoding="utf-8") if config_file.exists() else None
    history_text = write_history(history, entry, inputs.spec)
    try:
        replace_text(config_file, _with_version(config_before, outcome.version))
        replace_text(history.path, history_text)
        if regenerate is None:
            from generator.pipeline import generate as regenerate
        regenerate(inputs, target)
    except BaseException:
        _restore(config_file, config_before)
        _restore(history.path, history.text)
        raise
    released = _present(inputs, target)
    write_snapshot(snapshot_path(inputs.spec), released.snapshot)
    return outcome


def _chosen(outcome: Outcome, version: str) -> Outcome:
    """The outcome with the maintainer's version, which may go further than the computed one but never less."""
    try:
        chosen, computed = parse_version(version), parse_version(outcome.version)
    except ValueError as error:
        raise GenerationError(f"--version: {error}") from None
    if chosen < computed:
        raise GenerationError(f"--version {version} is lower than the {outcome.version} these changes need")
    return Outcome(outcome.previous, str(chosen), outcome.wire, outcome.python, outcome.package_changed, outcome.first)


def _check_history(history: History, previous: str | None) -> None:
    newest = history.releases[0].version if history.releases else None
    if newest != previous:
        raise GenerationError(
            f"its newest release is {newest or 'none'}, but the last release recorded is {previous or 'none'}: "
            "the two records disagree (restore them from version control)",
            file=history.path,
        )


def _with_version(text: str | None, version: str) -> str:
    document = tomlkit.parse(text or "")
    document["version"] = version
    return tomlkit.dumps(document)


def _restore(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink(missing_ok=True)
    else:
        replace_text(path, text)


def _require_current(tree: Path) -> None:
    """Refuses a tree that was not generated from the inputs as they are (their digests in its provenance)."""
    record_file = tree / settings.PROVENANCE_FILE
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        inputs = record["inputs"]
        assert isinstance(inputs, dict)
    except (OSError, ValueError, KeyError, AssertionError):
        raise GenerationError(
            "has no readable provenance record: run `python -m generator generate` first", file=tree
        ) from None
    for name, digest in sorted(inputs.items()):
        path = Path(name) if Path(name).is_absolute() else settings.REPO_ROOT / name
        try:
            current = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            current = None
        if current != digest:
            raise GenerationError(
                f"was not generated from the inputs as they are now ({name} changed since): run "
                "`python -m generator generate` first, then release",
                file=tree,
            )


def check_release(inputs: Inputs, tree: Path) -> list[str]:
    """Why the committed version or changelog is not what `release` would make of the tree (one line each);
    nothing when they are, or when the spec has never been released."""
    last = read_snapshot(snapshot_path(inputs.spec))
    history = read_history(changelog_path(inputs.spec))
    if last is None and not history.releases:
        return []
    if last is None:
        return [f"{snapshot_path(inputs.spec)}: missing, but {history.path.name} records releases"]
    problems = []
    newest = history.releases[0].version if history.releases else None
    if newest != last.version:
        problems.append(
            f"{history.path}: the newest release is {newest or 'none'}, but {snapshot_path(inputs.spec).name} "
            f"records {last.version}"
        )
    try:
        outcome = _plan(inputs, _present(inputs, tree), last, history.words)
    except GenerationError as error:
        return [*problems, str(error)]
    if outcome.level is not None:
        lines = [line for section in outcome.sections().values() for line in section]
        problems.append(
            f"{len(lines)} change(s) since release {last.version} are not released (release would make "
            f"{outcome.version}): run `python -m generator release` and commit"
        )
        problems += [f"  unreleased: {line}" for line in lines]
    return problems
