"""Releases of a generated package: the next version from what changed on the wire and in the public
Python API since the last release, a changelog entry naming it, and the record of the release.

`python -m generator release` runs `_release.release`; `python -m generator check` runs
`_release.check_release` after it has found the tree current (both import griffe, so they are not
imported here: a build only needs the changelog writer). Nothing here knows one API from another: what
a cause links to is data in the spec's release history (`[links]`).
"""

from generator.release._changelog import render_changelog, write_changelog
from generator.release._changes import Change, Level
from generator.release._records import Cause, changelog_path, snapshot_path

__all__ = ["Cause", "Change", "Level", "changelog_path", "render_changelog", "snapshot_path", "write_changelog"]
