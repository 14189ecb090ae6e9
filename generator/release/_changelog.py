"""CHANGELOG.md, written from the release history (Keep a Changelog 1.1.0 layout).

Each release is a `## [version] - date` heading whose link (at the end of the file, as Keep a Changelog
lays it out) is the docs revision or commit that caused it, a line saying what that was and how grave
the release is, then its sections (Added, Changed, Deprecated, Removed, Fixed, Security).
"""

from __future__ import annotations

from pathlib import Path

from generator.release._records import History, changelog_path, read_history

__all__ = ["render_changelog", "write_changelog"]

_GRAVITY = {
    "initial": "First release.",
    "breaking": "**Breaking:** code written for the previous release may need changes.",
    "feature": "New features; code written for the previous release works unchanged.",
    "patch": "Fixes and wording only.",
}


def render_changelog(history: History, distribution: str) -> str:
    out = [
        "# Changelog",
        "",
        f"Every release of {distribution}, newest first. The layout follows",
        "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and the versions follow",
        "[Semantic Versioning](https://semver.org/spec/v2.0.0.html); before 1.0.0 a breaking change raises",
        "the minor version. Each release names the reference-docs revision or commit it follows.",
    ]
    links = []
    for entry in history.releases:
        heading = f"[{entry.version}]" if entry.link else entry.version
        out += ["", f"## {heading} - {entry.date}", "", f"Follows {entry.cause.words()}. {_GRAVITY[entry.level]}"]
        for section, lines in entry.sections.items():
            out += ["", f"### {section}", ""]
            out += [f"- {line}" for line in lines]
        if entry.link:
            links.append(f"[{entry.version}]: {entry.link}")
    if links:
        out += ["", *links]
    return "\n".join(out) + "\n"


def write_changelog(spec: Path, output: Path, distribution: str) -> Path | None:
    """Writes output/CHANGELOG.md when the spec has a release history; returns the history file it read."""
    path = changelog_path(spec)
    if not path.exists():
        return None
    history = read_history(path)
    (output / "CHANGELOG.md").write_text(render_changelog(history, distribution), encoding="utf-8")
    return path
