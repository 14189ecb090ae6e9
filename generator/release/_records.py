"""The two files next to the spec that record its releases.

``NAME.changelog.toml`` is every release, newest first: its version, date, how grave its gravest change
was, what caused it (a docs revision or a commit) and the link to that, and its changelog lines by
Keep a Changelog section. Its ``[links]`` table says how causes become links (data, not code).
generate writes it out as the package's CHANGELOG.md.

``NAME.released.json`` is what the last release looked like: its version, its wire surface, its public
Python API and a digest of the package's files. release and check compare the present with it. One
entry a line, so that a release's diff shows exactly what changed.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit

from generator.errors import GenerationError
from generator.inputs.toml_file import line_of_key, read_toml
from generator.release._changes import SECTIONS

__all__ = [
    "Cause",
    "History",
    "ReleaseEntry",
    "Snapshot",
    "changelog_path",
    "read_history",
    "read_snapshot",
    "replace_text",
    "snapshot_path",
    "snapshot_text",
    "write_history",
    "write_snapshot",
]

_LEVELS = ("initial", "patch", "feature", "breaking")
_HEADER = """\
# The releases of the package generated from {spec}, newest first. `python -m generator release`
# adds one (it never edits an older one), and generate writes them all to CHANGELOG.md in the package.
# [links] turns a release's cause into a link: {{sdk}} and {{revision}} for a docs page, {{commit}} for a
# commit (leave commit empty to name the commit without a link). [words], if present, says what a
# changelog line calls a spec key (a vendor extension, say); others are shown as written.
"""


def changelog_path(spec: Path) -> Path:
    return spec.with_name(f"{spec.stem}.changelog.toml")


def snapshot_path(spec: Path) -> Path:
    return spec.with_name(f"{spec.stem}.released.json")


@dataclass(frozen=True)
class Cause:
    """What a release follows: a docs page's revision (`sdk`, `revision`) or a commit."""

    kind: str  # "docs" or "commit"
    sdk: str = ""
    revision: str = ""
    commit: str = ""

    def words(self) -> str:
        if self.kind == "docs":
            return f"the {self.sdk} reference page, revision {self.revision}" if self.sdk else f"docs {self.revision}"
        return f"commit {self.commit[:12]}"

    def link(self, links: dict[str, str]) -> str:
        template = links.get(self.kind, "")
        values = {"sdk": self.sdk, "revision": self.revision, "commit": self.commit}
        try:
            return template.format(**values) if template else ""
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"the [links] {self.kind} template {template!r} cannot be filled: {error}") from None


@dataclass(frozen=True)
class ReleaseEntry:
    version: str
    date: str
    level: str  # one of _LEVELS
    cause: Cause
    link: str
    sections: dict[str, list[str]]  # Keep a Changelog section -> lines


@dataclass
class History:
    path: Path
    links: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # spec key -> what a changelog line calls it
    releases: list[ReleaseEntry] = field(default_factory=list)  # newest first
    text: str | None = None  # the file as read (None: there is none yet)


def read_history(path: Path) -> History:
    """The releases recorded at `path`; an empty history when there is no such file."""
    if not path.exists():
        return History(path)
    toml = read_toml(path, "release history")
    data = toml.data

    def fail(message: str, key: str | None = None, after: int | None = None) -> GenerationError:
        return GenerationError(message, file=path, line=line_of_key(toml.text, key, after) if key else None)

    unknown = sorted(set(data) - {"links", "words", "release"})
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (expected [links], [words] and [[release]])", unknown[0])
    links = data.get("links", {})
    if not isinstance(links, dict) or not all(isinstance(v, str) for v in links.values()):
        raise fail("[links] must map docs and commit to text", "links")
    words = data.get("words", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise fail("[words] must map spec keys to what the changelog calls them", "words")
    releases = []
    raw = data.get("release", [])
    if not isinstance(raw, list):
        raise fail("release must be an array of tables ([[release]])", "release")
    starts = [n for n, line in enumerate(toml.text.splitlines(), 1) if line.strip().startswith("[[release]]")]
    for index, item in enumerate(raw):
        at = starts[index] if index < len(starts) else None
        releases.append(_entry(item, index, lambda message, key=None, at=at: fail(message, key, at)))
    return History(path, dict(links), dict(words), releases, toml.text)


def _entry(item: Any, index: int, fail: Any) -> ReleaseEntry:
    if not isinstance(item, dict):
        raise fail(f"release {index + 1} is not a table")
    for key, kind in (("version", str), ("date", str), ("level", str), ("cause", str), ("link", str)):
        if not isinstance(item.get(key), kind):
            raise fail(f"release {index + 1}: {key} must be text", key if key in item else None)
    if item["level"] not in _LEVELS:
        raise fail(f"release {index + 1}: level must be one of {', '.join(_LEVELS)}", "level")
    cause_kind = item["cause"]
    if cause_kind not in ("docs", "commit"):
        raise fail(f"release {index + 1}: cause must be docs or commit", "cause")
    cause = Cause(cause_kind, str(item.get("sdk", "")), str(item.get("revision", "")), str(item.get("commit", "")))
    changes = item.get("changes", {})
    if not isinstance(changes, dict) or not all(
        key in SECTIONS and isinstance(lines, list) and all(isinstance(line, str) for line in lines)
        for key, lines in changes.items()
    ):
        raise fail(f"release {index + 1}: changes maps sections ({', '.join(SECTIONS)}) to lists of lines", "changes")
    sections = {key: list(changes[key]) for key in SECTIONS if changes.get(key)}
    return ReleaseEntry(item["version"], item["date"], item["level"], cause, item["link"], sections)


def write_history(history: History, entry: ReleaseEntry, spec: Path) -> str:
    """Adds `entry` as the newest release, keeping the file's comments and layout; returns the new text."""
    document = tomlkit.parse(history.text) if history.text is not None else _new_history(spec, history.links)
    table = tomlkit.table()
    table.add("version", entry.version)
    table.add("date", entry.date)
    table.add("level", entry.level)
    table.add("cause", entry.cause.kind)
    for key in ("sdk", "revision", "commit"):
        if getattr(entry.cause, key):
            table.add(key, getattr(entry.cause, key))
    table.add("link", entry.link)
    changes = tomlkit.table()
    for section, lines in entry.sections.items():
        array = tomlkit.array()
        array.multiline(True)
        array.extend(lines)
        changes.add(section, array)
    table.add("changes", changes)
    releases = document.get("release")
    if releases is None:
        releases = tomlkit.aot()
        document.append("release", releases)
    releases.insert(0, table)
    text = tomlkit.dumps(document).replace("\n[[release]]", "\n\n[[release]]").replace("\n\n\n[[", "\n\n[[")
    tomllib.loads(text)  # what was written reads back
    return text


def _new_history(spec: Path, links: dict[str, str]) -> Any:
    document = tomlkit.parse(_HEADER.format(spec=spec.name))
    table = tomlkit.table()
    table.add("docs", links.get("docs", ""))
    table.add("commit", links.get("commit", ""))
    document.append("links", table)
    return document


@dataclass(frozen=True)
class Snapshot:
    """What one release looked like (see the module docstring)."""

    version: str
    package: str  # digest of the package's files
    wire: dict[str, dict[str, Any]]
    python: dict[str, dict[str, Any]]


def read_snapshot(path: Path) -> Snapshot | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise GenerationError(f"cannot read the last release's record: {error}", file=path) from None
    except json.JSONDecodeError as error:
        raise GenerationError(f"not valid JSON: {error.msg}", file=path, line=error.lineno) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("version"), str)
        or not isinstance(data.get("package"), str)
        or not all(isinstance(data.get(key), dict) for key in ("wire", "python"))
        or not all(isinstance(v, dict) for key in ("wire", "python") for v in data[key].values())
    ):
        raise GenerationError(
            "not a release record: expected an object with version, package, wire and python", file=path, line=1
        )
    return Snapshot(data["version"], data["package"], data["wire"], data["python"])


def snapshot_text(snapshot: Snapshot) -> str:
    """The record as JSON with one entry a line (sorted), so that its diff reads place by place."""

    def block(entries: dict[str, Any]) -> str:
        lines = [
            f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in sorted(entries.items())
        ]
        return "{\n" + ",\n".join(lines) + "\n  }" if lines else "{}"

    return (
        "{\n"
        f'  "version": {json.dumps(snapshot.version)},\n'
        f'  "package": {json.dumps(snapshot.package)},\n'
        f'  "wire": {block(snapshot.wire)},\n'
        f'  "python": {block(snapshot.python)}\n'
        "}\n"
    )


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    _replace(path, snapshot_text(snapshot))


def _replace(path: Path, text: str) -> None:
    """Writes `text` to `path` in one step (a temporary sibling renamed over it)."""
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(text, encoding="utf-8")
    scratch.replace(path)


def replace_text(path: Path, text: str) -> None:
    _replace(path, text)
