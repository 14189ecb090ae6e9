"""Checks templates/ before rendering: each template that replaces an upstream one is recorded.

`templates/OVERRIDES.toml` names, for every template that replaces an upstream one, the upstream
file and the sha256 it had when the override was written; `stale_overrides` reports the ones whose
pinned upstream file no longer matches (the override must then be reviewed against the new file).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.inputs.toml_file import line_of_key, read_toml

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


_FIELDS = tuple(f.name for f in fields(Override))
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*override\s*\]\]", re.MULTILINE)


def load_overrides(overrides_file: Path) -> list[Override]:
    """The records, each checked: exactly the known keys, strings, a sha256 digest, one per template."""
    record = read_toml(overrides_file, "override record")
    text, data = record.text, record.data
    unknown = sorted(set(data) - {"override"})
    if unknown:
        raise GenerationError(
            f"unknown top-level key {unknown[0]!r}; the file holds only [[override]] entries",
            file=overrides_file,
            line=line_of_key(text, unknown[0]),
        )
    entries = data.get("override", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise GenerationError(
            "`override` must be an array of tables, written [[override]]",
            file=overrides_file,
            line=line_of_key(text, "override"),
        )
    headers = [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_HEADER.finditer(text)]
    overrides: list[Override] = []
    for index, entry in enumerate(entries):
        start = headers[index] if index < len(headers) else None
        overrides.append(_override(entry, index, overrides_file, text, start))
    seen: dict[str, int] = {}
    for index, override in enumerate(overrides):
        if override.template in seen:
            raise GenerationError(
                f"[[override]] #{index + 1} records {override.template!r} again (already #{seen[override.template] + 1})",
                file=overrides_file,
                line=headers[index] if index < len(headers) else None,
            )
        seen[override.template] = index
    return overrides


def _override(entry: dict[str, Any], index: int, file: Path, text: str, start: int | None) -> Override:
    name = f"[[override]] #{index + 1}" + (
        f" ({entry['template']!r})" if isinstance(entry.get("template"), str) else ""
    )

    def fail(problem: str, key: str | None) -> GenerationError:
        line = line_of_key(text, key, after=start) if key else None
        return GenerationError(f"{name}: {problem}", file=file, line=line or start)

    for key in entry:
        if key not in _FIELDS:
            raise fail(f"unknown key {key!r} (the keys are {', '.join(_FIELDS)})", key)
    for key in _FIELDS:
        if key not in entry:
            raise fail(f"missing key {key!r}", None)
        if not isinstance(entry[key], str):
            raise fail(f"{key} must be a string, not {type(entry[key]).__name__}", key)
    if not _SHA256.fullmatch(entry["upstream_sha256"]):
        raise fail(
            "upstream_sha256 must be 64 lowercase hex digits (sha256sum of the upstream file)", "upstream_sha256"
        )
    return Override(**entry)


def _line_of_template(overrides_file: Path, template: str) -> int | None:
    text = overrides_file.read_text(encoding="utf-8")
    match = re.search(rf"^\s*template\s*=\s*[\"']{re.escape(template)}[\"']", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


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
    overrides = load_overrides(overrides_file)
    for override in overrides:
        if not (templates_dir / override.template).is_file():
            raise GenerationError(
                f"records an override of {override.template}, but {templates_dir.name}/ has no such template; "
                "remove the entry or restore the template",
                file=overrides_file,
                line=_line_of_template(overrides_file, override.template),
            )
    recorded = {o.template for o in overrides}
    for name in sorted(p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*.jinja")):
        is_upstream = files("openapi_python_client").joinpath("templates", name).is_file()
        if is_upstream and name not in recorded:
            raise GenerationError(
                f"{name} replaces an upstream template but is not recorded in {overrides_file.name}",
                file=templates_dir / name,
            )
