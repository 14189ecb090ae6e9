"""The checkpoint file of an export to FILE (`FILE.checkpoint.json`): the library's checkpoint in its one
format, with the file facts (command, format, parameters, bytes, records, pages) the command line adds.

Replaced atomically after every complete page, so whatever moment an export stops at, the file
describes a consistent prefix of `FILE.partial`. Loading validates it (the message names the field)
and upgrades a version 1 file, as the command line wrote it before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .._checkpoint import QUERY, REALTIME, ExportCheckpoint, FileFacts, decode, encode, parse_json
from .._errors import CheckpointError
from ._formats import FORMATS

__all__: list[str] = []


def load_checkpoint(path: Path) -> tuple[ExportCheckpoint, FileFacts]:
    """The export checkpoint and file facts stored at `path`; CheckpointError when they will not do."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: unreadable ({type(error).__name__})") from None
    checkpoint, facts = decode(parse_json(text, str(path)), str(path))
    if facts is None:
        raise CheckpointError(f"{path}: /file: missing; not the checkpoint of an export to a file")
    if facts.format not in FORMATS:
        raise CheckpointError(f"{path}: /file/format: expected one of {', '.join(FORMATS)}, not {facts.format!r}")
    expected = REALTIME if facts.command == REALTIME else QUERY
    if facts.command not in (QUERY, REALTIME) or checkpoint.kind != expected:
        raise CheckpointError(f"{path}: /file/command: {facts.command!r} does not go with a {checkpoint.kind} export")
    return checkpoint, facts


def save_checkpoint(path: Path, checkpoint: ExportCheckpoint, facts: FileFacts) -> None:
    """Writes the checkpoint to a temporary file, syncs it and renames it over the old one."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(encode(checkpoint, facts), stream, indent=2, sort_keys=True)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
