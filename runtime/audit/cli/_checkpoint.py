"""The checkpoint of a file export: what was asked, how far it got, and how many bytes are safe.

Stored as JSON next to the output (`FILE.checkpoint.json`) and replaced atomically after every complete
page, so whatever moment an export stops at, the checkpoint describes a consistent prefix of `FILE.partial`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CHECKPOINT_VERSION", "Checkpoint", "CheckpointError", "load_checkpoint", "save_checkpoint"]

CHECKPOINT_VERSION = 1


class CheckpointError(ValueError):
    """The checkpoint file is unreadable or belongs to a different export."""


@dataclass
class Checkpoint:
    """Progress of one export.

    Attributes:
        command: `query` or `realtime`.
        params: The request as first resolved (a relative `--last` is stored as its absolute interval).
        transaction_id: The audit query's id (query exports), once created.
        cursor: The cursor of the next results page (query exports); None before the first page.
        page_number: The next page to read (realtime exports).
        pages: Pages written so far.
        records: Records written so far.
        bytes: Size of the partial file after the last complete page.
        skip: Records still to drop from the next pages (after a vanished query was run again, its
            first records are already in the file).
        complete: Every page is in the partial file; only the final rename is left.
        parts: A split export's sub-queries and their positions (`BulkCheckpoint.to_dict()`); None for
            a single query (checkpoints written before splitting existed have none).
    """

    command: str
    params: dict[str, Any]
    transaction_id: str | None = None
    cursor: str | None = None
    page_number: int = 1
    pages: int = 0
    records: int = 0
    bytes: int = 0
    skip: int = 0
    complete: bool = False
    parts: dict[str, Any] | None = None
    version: int = field(default=CHECKPOINT_VERSION)


def load_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
            raise CheckpointError(f"{path}: not a checkpoint of this version")
        return Checkpoint(**data)
    except (OSError, ValueError, TypeError) as error:
        if isinstance(error, CheckpointError):
            raise
        raise CheckpointError(f"{path}: unreadable checkpoint ({type(error).__name__})") from None


def save_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Writes the checkpoint to a temporary file, syncs it and renames it over the old one."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump(asdict(checkpoint), stream, indent=2, sort_keys=True)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
