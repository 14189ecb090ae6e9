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

from ._checkpoint import Checkpoint, CheckpointError, load_checkpoint, save_checkpoint

__all__ = ["ExportFile", "StreamSink", "UsageError", "checkpoint_path", "partial_path"]


class UsageError(ValueError):
    """The command line asks for something that cannot be done (reported without a traceback)."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def partial_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


class StreamSink:
    """Writes pages to a binary stream (stdout), flushing after each; nothing to resume."""

    def __init__(self, checkpoint: Checkpoint, stream: BinaryIO | None = None) -> None:
        self.checkpoint = checkpoint
        self.resumed = False
        self._stream = stream if stream is not None else sys.stdout.buffer

    def start(self, header: bytes) -> None:
        self._stream.write(header)
        self._stream.flush()

    def write_page(self, data: bytes) -> None:
        self._stream.write(data)
        self._stream.flush()

    def save(self) -> None:
        """Nothing to save: a stream cannot be resumed."""

    def finish(self) -> None:
        self._stream.flush()


class ExportFile:
    """The partial file and checkpoint of an export to `output`.

    `checkpoint` is the fresh one given, or with `resume` the stored one (which must be for the same
    command and parameters). Starting afresh over an existing checkpoint is refused unless `restart`.
    """

    def __init__(self, output: Path, checkpoint: Checkpoint, *, resume: bool, restart: bool) -> None:
        self.output = output
        self.checkpoint_file = checkpoint_path(output)
        self.partial_file = partial_path(output)
        self.resumed = False
        self._stream: BinaryIO | None = None
        exists = self.checkpoint_file.exists()
        if resume and exists:
            stored = load_checkpoint(self.checkpoint_file)
            if stored.command != checkpoint.command or stored.params != _comparable(checkpoint, stored):
                raise UsageError(
                    f"{self.checkpoint_file} is for a different export "
                    f"({stored.command} {stored.params}); use the same options, or --restart"
                )
            if not self.partial_file.exists() or self.partial_file.stat().st_size < stored.bytes:
                raise CheckpointError(f"{self.partial_file} is missing or shorter than its checkpoint says")
            self.checkpoint = stored
            self.resumed = True
        elif exists and not restart:
            raise UsageError(
                f"an interrupted export of {output} exists ({self.checkpoint_file}); "
                "pass --resume to continue it or --restart to start over"
            )
        else:
            self.checkpoint = checkpoint

    def start(self, header: bytes) -> None:
        output_dir = self.output.parent
        output_dir.mkdir(parents=True, exist_ok=True)
        if self.resumed:
            stream = open(self.partial_file, "r+b")  # noqa: SIM115 - kept open across pages, closed in finish
            stream.truncate(self.checkpoint.bytes)
            stream.seek(self.checkpoint.bytes)
            self._stream = stream
            return
        self._stream = open(self.partial_file, "wb")  # noqa: SIM115 - kept open across pages, closed in finish
        self._stream.write(header)
        self._sync()
        self.checkpoint.bytes = len(header)
        self.save()

    def _sync(self) -> None:
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def write_page(self, data: bytes) -> None:
        """Appends one page; call `save` after updating the checkpoint's position."""
        assert self._stream is not None
        self._stream.write(data)
        self._sync()
        self.checkpoint.bytes += len(data)

    def save(self) -> None:
        save_checkpoint(self.checkpoint_file, self.checkpoint)

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


def _comparable(fresh: Checkpoint, stored: Checkpoint) -> dict[str, object]:
    """The fresh parameters, with a relative window (`--last`) taking the interval it resolved to before."""
    params = dict(fresh.params)
    if params.get("last") is not None and params.get("last") == stored.params.get("last"):
        params["interval"] = stored.params.get("interval")
    return params
