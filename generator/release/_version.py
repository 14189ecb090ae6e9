"""The next version: Semantic Versioning, where before 1.0.0 a breaking change raises the minor version."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from generator.release._changes import Level

__all__ = ["next_version", "parse_version"]


def parse_version(text: str) -> Version:
    """`text` as a PEP 440 version; ValueError saying so when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"{text!r} is not a PEP 440 version (such as 1.2.0)") from None


def next_version(current: str, level: Level) -> str:
    """The version after `current` for a release whose gravest change is `level`.

    1.4.2: breaking -> 2.0.0, feature -> 1.5.0, patch -> 1.4.3. Before 1.0.0 the major version stays 0:
    0.4.2: breaking -> 0.5.0, feature -> 0.5.0, patch -> 0.4.3. A pre-release or development version
    (2.0.0rc1, 0.5.0.dev0) is followed by the release it announced (2.0.0, 0.5.0).
    """
    version = parse_version(current)
    major, minor, patch = (*version.release, 0, 0)[:3]
    if version.is_prerelease or version.is_devrelease:
        return f"{major}.{minor}.{patch}"
    if level is Level.BREAKING and major >= 1:
        return f"{major + 1}.0.0"
    if level in (Level.BREAKING, Level.FEATURE):
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
