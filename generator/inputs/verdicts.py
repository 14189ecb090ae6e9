"""Validation verdicts kept between runs, by the content of the spec they are about.

Validating a document against the OpenAPI schema costs more than any other check, and its verdict depends
on nothing but the document's bytes and the validator: a verdict is kept in this user's cache folder
(`$XDG_CACHE_HOME/genesys-audit-generator`, else `~/.cache/...`), keyed by the sha256 of the spec file and
the validator's version, so that regenerating an unchanged spec (editing templates, say) does not validate
it again. A missing, unreadable or foreign cache is simply not used; `GENERATOR_NO_CACHE=1` turns it off.
Each entry is written whole (a temporary file renamed into place).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["keep", "recall"]

_FORMAT = "1"  # bump when what a verdict holds changes


def _folder() -> Path | None:
    if os.environ.get("GENERATOR_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "genesys-audit-generator" / "verdicts"


def _key(spec: Path) -> str | None:
    try:
        content = spec.read_bytes()
        validator = version("openapi-spec-validator")
    except (OSError, PackageNotFoundError):
        return None
    return hashlib.sha256(b"\0".join([_FORMAT.encode(), validator.encode(), content])).hexdigest()


def recall(spec: Path) -> dict[str, Any] | None:
    """The kept verdict for the spec's current content, if any."""
    folder, key = _folder(), _key(spec)
    if folder is None or key is None:
        return None
    try:
        verdict = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return verdict if isinstance(verdict, dict) else None


def keep(spec: Path, verdict: dict[str, Any]) -> None:
    """Keeps a verdict for the spec's current content (best effort: a cache that cannot be written is skipped)."""
    folder, key = _folder(), _key(spec)
    if folder is None or key is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".verdict-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(verdict, file, default=repr)
        os.replace(temporary, folder / f"{key}.json")
    except OSError:
        return
