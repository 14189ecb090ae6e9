"""Checks templates/ before rendering: each template that replaces an upstream one is recorded.

`templates/OVERRIDES.toml` names, for every template that replaces an upstream one, the upstream
file and the sha256 it had when the override was written; `stale_overrides` reports the ones whose
pinned upstream file no longer matches (the override must then be reviewed against the new file).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from generator.errors import GenerationError

__all__ = ["Override", "check_templates", "load_overrides", "stale_overrides", "upstream_template"]


@dataclass(frozen=True)
class Override:
    template: str  # path under templates/
    upstream_version: str
    upstream_file: str  # path inside the openapi_python_client package
    upstream_sha256: str
    reason: str


def upstream_template(upstream_file: str) -> bytes:
    return files("openapi_python_client").joinpath(upstream_file).read_bytes()


def load_overrides(overrides_file: Path) -> list[Override]:
    try:
        data = tomllib.loads(overrides_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GenerationError(f"cannot read the override record: {exc}", file=overrides_file) from None
    return [Override(**entry) for entry in data.get("override", [])]


def stale_overrides(overrides: list[Override]) -> list[tuple[Override, str]]:
    """Overrides whose upstream file's hash differs from the recorded one, with the current hash."""
    stale = []
    for override in overrides:
        current = hashlib.sha256(upstream_template(override.upstream_file)).hexdigest()
        if current != override.upstream_sha256:
            stale.append((override, current))
    return stale


def check_templates(templates_dir: Path, overrides_file: Path) -> None:
    """Every template that replaces an upstream one must be recorded (syntax errors surface while rendering)."""
    recorded = {o.template for o in load_overrides(overrides_file)}
    for name in sorted(p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*.jinja")):
        is_upstream = files("openapi_python_client").joinpath("templates", name).is_file()
        if is_upstream and name not in recorded:
            raise GenerationError(
                f"{name} replaces an upstream template but is not recorded in {overrides_file.name}",
                file=templates_dir / name,
            )
