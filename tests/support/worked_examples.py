"""Applying a documented worked example (a Jinja snippet in a Markdown page) to a copy of templates/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator import settings

__all__ = ["jinja_snippet", "templates_with"]


def jinja_snippet(page: Path) -> str:
    """The page's first ```jinja block, without the indentation of the list item it sits in."""
    found = re.search(r"```jinja\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert found, f"{page} lost its worked example"
    return "\n".join(line.removeprefix("   ") for line in found.group(1).splitlines()) + "\n"


def templates_with(folder: Path, template: str, anchor: str, text: str, *, after: bool) -> Path:
    """A copy of templates/ in `folder` with `text` written right after (or before) `anchor` in `template`."""
    templates = folder / "templates"
    shutil.copytree(settings.TEMPLATES_DIR, templates)
    path = templates / template
    source = path.read_text(encoding="utf-8")
    assert anchor in source, f"{anchor!r} is no longer in {template}"
    path.write_text(source.replace(anchor, anchor + text if after else text + anchor, 1), encoding="utf-8")
    return templates
