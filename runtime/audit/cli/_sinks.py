"""Where exported records go: stdout as they come, or a file written atomically with a checkpoint.

A file export writes `FILE.partial`, saving `FILE.checkpoint.json` after each complete page; when the
last page is in, the partial file is renamed to FILE and the checkpoint removed. Resuming truncates the
partial file to the checkpoint's size, so a page cut off midway is written again exactly once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

from .._checkpoint import ExportCheckpoint, FileFacts
from .._errors import CheckpointError
from ._checkpoint import load_checkpoint, save_checkpoint

__all__: list[str] = []


class UsageError(ValueError):
    """The command line asks for something that cannot be done (reported without a traceback)."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def partial_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


class StreamSink:
    """Writes pages to a binary stream (stdout), flushing after each; nothing to resume."""

    def __init__(self, facts: FileFacts, stream: BinaryIO | None = None) -> None:
        self.facts = facts
        self.stored: ExportCheckpoint | None = None
        self._stream = stream if stream is not None else sys.stdout.buffer

    def start(self, header: bytes, checkpoint: ExportCheckpoint) -> None:
        self._stream.write(header)
        self._stream.flush()

    def write_page(self, data: bytes) -> None:
        self._stream.write(data)
        self._stream.flush()

    def save(self, checkpoint: ExportCheckpoint) -> None:
        """Nothing to save: a stream cannot be resumed."""

    def finish(self) -> None:
        self._stream.flush()


class ExportFile:
    """The partial file and checkpoint of an export to `output`.

    `facts` are the fresh ones given, or with `resume` the stored ones (which must be for the same
    command and parameters), and `stored` the export checkpoint to resume from. Starting afresh over an
    existing checkpoint is refused unless `restart`.
    """

    def __init__(self, output: Path, facts: FileFacts, *, resume: bool, restart: bool) -> None:
        self.output = output
        self.checkpoint_file = checkpoint_path(output)
        self.partial_file = partial_path(output)
        self.facts = facts
        self.stored: ExportCheckpoint | None = None
        self._stream: BinaryIO | None = None
        exists = self.checkpoint_file.exists()
        if resume and exists:
            stored, stored_facts = load_checkpoint(self.checkpoint_file)
            if stored_facts.command != facts.command or stored_facts.parameters != _comparable(facts, stored_facts):
                raise UsageError(
                    f"{self.checkpoint_file} is for a different export "
                    f"({stored_facts.command} {stored_facts.parameters}); use the same options, or --restart"
                )
            if not self.partial_file.exists() or self.partial_file.stat().st_size < stored_facts.bytes:
                raise CheckpointError(f"{self.partial_file} is missing or shorter than its checkpoint says")
            self.facts, self.stored = stored_facts, stored
        elif exists and not restart:
            raise UsageError(
                f"an interrupted export of {output} exists ({self.checkpoint_file}); "
                "pass --resume to continue it or --restart to start over"
            )

    def start(self, header: bytes, checkpoint: ExportCheckpoint) -> None:
        output_dir = self.output.parent
        output_dir.mkdir(parents=True, exist_ok=True)
        if self.stored is not None:
            stream = open(self.partial_file, "r+b")  # noqa: SIM115 - kept open across pages, closed in finish
            stream.truncate(self.facts.bytes)
            stream.seek(self.facts.bytes)
            self._stream = stream
            return
        self._stream = open(self.partial_file, "wb")  # noqa: SIM115 - kept open across pages, closed in finish
        self._stream.write(header)
        self._sync()
        self.facts.bytes = len(header)
        self.save(checkpoint)

    def _sync(self) -> None:
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def write_page(self, data: bytes) -> None:
        """Appends one page; call `save` after updating the checkpoint's position."""
        assert self._stream is not None
        self._stream.write(data)
        self._sync()
        self.facts.bytes += len(data)

    def save(self, checkpoint: ExportCheckpoint) -> None:
        save_checkpoint(self.checkpoint_file, checkpoint, self.facts)

    def finish(self) -> None:
        """Renames the complete partial file to the output and removes the checkpoint."""
        if self._stream is not None:
            self._sync()
            self._stream.close()
            self._stream = None
        os.replace(self.partial_file, self.output)
        self.checkpoint_file.unlink(missing_ok=True)

    def close(self) -> None:
        """Closes the partial file, leaving it and the checkpoint for a later --resume."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def _comparable(fresh: FileFacts, stored: FileFacts) -> dict[str, object]:
    """The fresh parameters, with a relative window (`--last`) taking the interval it resolved to before."""
    params = dict(fresh.parameters)
    if params.get("last") is not None and params.get("last") == stored.parameters.get("last"):
        params["interval"] = stored.parameters.get("interval")
    return params
