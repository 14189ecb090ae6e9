"""Where exported records go: a file written atomically with a checkpoint, or a stream as they come.

`classify_output` decides, before anything is opened or sent, what `--output` names:

- `-`, a FIFO, a character device (`/dev/null`) or a descriptor's path (`/dev/stdout`, `/dev/fd/N`,
  `/proc/...`) is a stream: written as pages come, never renamed, truncated or resumed;
- a regular file, or a name not taken yet, is written atomically: `FILE.partial` grows page by page,
  `FILE.checkpoint.json` is saved after each, and the finished partial file is renamed to FILE. A
  symbolic link is written through: its target is what gets replaced, and the link stays;
- a directory, a block device, a socket, a missing or unwritable folder is refused.

Nothing but the output and its sidecar files (`.partial`, `.checkpoint.json` and its `.tmp`) is ever
created, replaced or removed, and a sidecar that is not a regular file is refused rather than followed.
Resuming checks the partial file against the checkpoint (its header, size and record count) and
truncates it to the checkpoint's size, so a page cut off midway is written again exactly once.
"""

from __future__ import annotations

import fcntl
import os
import stat
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, cast

from .._checkpoint import ExportCheckpoint
from .._errors import CheckpointError
from .._ordered_writer import OrderedWriter
from ._checkpoint import check_positions, load_checkpoint, mismatched_options, save_checkpoint
from ._formats import RecordFormat
from ._sidecar import FileFacts

__all__: list[str] = []

_DESCRIPTOR_PATHS = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/")


class UsageError(ValueError):
    """The command line asks for something that cannot be done (reported without a traceback)."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def partial_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def finished_output(output: Path) -> bool:
    """Whether `output` was written and no export of it is interrupted: nothing to resume."""
    return output.exists() and not checkpoint_path(output).exists()


#: The longest name an export writes beside FILE (the checkpoint's temporary file).
_LONGEST_SIDECAR = ".checkpoint.json.tmp"


def _check_name_length(text: str, final: Path) -> None:
    """Refuses an output whose sidecar files' names would be too long for its folder's file system (the
    export would fail after its query was made); the output's own name is checked by `stat`."""
    try:
        limit = os.pathconf(final.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = len(os.fsencode(final.name + _LONGEST_SIDECAR))
    if limit > 0 and longest > limit:
        raise _refuse(
            text,
            f"the name is too long for the files written beside it ({final.name}{_LONGEST_SIDECAR} would take "
            f"{longest} bytes; this file system allows {limit}); give a name of at most {limit - len(_LONGEST_SIDECAR)} bytes",
        )


@dataclass(frozen=True)
class Output:
    """What `--output` names: a regular `file` to write atomically, or a `stream` (its kind, in words)."""

    given: str
    file: Path | None = None
    stream: str | None = None


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISREG, "a regular file"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _refuse(path: str, problem: str) -> UsageError:
    return UsageError(f"--output {path}: {problem}")


def classify_output(text: str) -> Output:
    """What `text` names as an output, checked without creating or opening anything."""
    if text == "-":
        return Output(text, stream="standard output")
    if not text.strip():
        raise _refuse(repr(text), "give a file name, or - for standard output")
    try:
        mode: int | None = os.stat(text).st_mode  # follows symbolic links
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _refuse(text, error.strerror or type(error).__name__) from None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            return Output(text, stream=_kind(mode))
        if stat.S_ISDIR(mode):
            raise _refuse(text, f"is a directory; name a file in it, e.g. --output {Path(text) / 'audit.jsonl'}")
        raise _refuse(text, f"is {_kind(mode)}; refusing to write to it")
    if os.path.abspath(text).startswith(_DESCRIPTOR_PATHS):
        return Output(text, stream="a descriptor")
    final = Path(os.path.realpath(text))  # a symbolic link's target is replaced; the link stays
    folder = final.parent
    if not folder.is_dir():
        raise _refuse(text, f"the folder {folder} does not exist (create it first)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(text, f"cannot create files in {folder} (permission denied)")
    _check_name_length(text, final)
    return Output(text, file=final)


def _check_regular(path: Path, what: str = "not an export's own file") -> None:
    """`path` must be absent or a regular file: nothing else is ever written through or replaced."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise UsageError(f"{path} is {_kind(mode)}, {what}; move it away first")


_MODES = {os.O_RDONLY: "rb", os.O_RDWR: "r+b"}


def _open_regular(path: Path, flags: int) -> BinaryIO:
    """Opens `path` without following a symbolic link or blocking on a FIFO; refuses anything but a file."""
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{path} is not a regular file; move it away first")
    return cast(BinaryIO, os.fdopen(fd, _MODES.get(flags & os.O_ACCMODE, "wb")))


def _sync_folder(folder: Path) -> None:
    """Makes a rename in `folder` durable (where the file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StreamSink:
    """Writes pages to standard output, a FIFO or a device, flushing after each; nothing to resume."""

    stored: ExportCheckpoint | None = None
    resumable = False

    def __init__(self, output: Output, facts: FileFacts, stream: BinaryIO | None = None) -> None:
        self.output = output
        self.facts = facts
        self._given_stream = stream
        self._stream: BinaryIO | None = None
        self._opened = False

    def open(self, header: bytes) -> None:
        """Opens the stream (a FIFO waits here for its reader) and writes the header; before any request."""
        if self._given_stream is not None or self.output.given == "-":
            self._stream = self._given_stream or sys.stdout.buffer
        else:
            try:  # append, never truncate: a device or a descriptor's file is written as it is
                fd = os.open(self.output.given, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_CLOEXEC)
            except OSError as error:
                raise _refuse(self.output.given, error.strerror or type(error).__name__) from None
            self._stream, self._opened = os.fdopen(fd, "wb"), True
        self.write_page(header)

    def start(self, checkpoint: ExportCheckpoint) -> None:
        """Nothing to save: a stream cannot be resumed."""

    def write_page(self, data: bytes) -> None:
        assert self._stream is not None
        self._stream.write(data)
        self._stream.flush()

    def save(self, checkpoint: ExportCheckpoint) -> None:
        """Nothing to save: a stream cannot be resumed."""

    def finish(self) -> None:
        if self._stream is not None:
            self._stream.flush()
        self.close()

    def close(self) -> None:
        if self._opened and self._stream is not None:
            self._stream.close()
        self._stream = None


class ExportFile:
    """The partial file and checkpoint of an export to a regular file.

    `facts` are the fresh ones given, or with `resume` the stored ones (which must be for the same
    command and options), and `stored` the export checkpoint to resume from. Starting afresh over an
    existing checkpoint is refused unless `restart`. `finished_before` says that the export had
    already finished (only its checkpoint was left): nothing remains to fetch. The partial file is
    locked from the start, so a second export to the same file is refused instead of mixing pages.
    Pages are written, and before each checkpoint is saved the pages it counts are synced, in a writer
    thread (`OrderedWriter`) while the export reads on: the checkpoint on disk never counts a byte that
    is not on disk.
    """

    def __init__(self, output: Output, facts: FileFacts, fmt: RecordFormat, *, resume: bool, restart: bool) -> None:
        assert output.file is not None
        self.output = output.file
        self.given = output.given
        self.checkpoint_file = checkpoint_path(self.output)
        self.partial_file = partial_path(self.output)
        self._temporary = self.checkpoint_file.with_name(self.checkpoint_file.name + ".tmp")
        for sidecar in (self.partial_file, self.checkpoint_file, self._temporary):
            _check_regular(sidecar)
        self.facts = facts
        self.stored: ExportCheckpoint | None = None
        self.finished_before = False
        self._finished = False
        self._last: ExportCheckpoint | None = None  # the checkpoint last saved
        self._writer = OrderedWriter()
        self._existed = self.partial_file.exists()
        self._stream: BinaryIO | None = self._lock()
        try:
            self.resumed_nothing = resume and not self.checkpoint_file.exists()
            if resume and self.checkpoint_file.exists():
                self._load(facts, fmt)
            elif self.checkpoint_file.exists() and not restart:
                raise UsageError(
                    f"an interrupted export of {self.given} exists ({self.checkpoint_file}); "
                    "pass --resume to continue it or --restart to start over"
                )
        except BaseException:
            self._release(remove=not self._existed)
            raise

    def _lock(self) -> BinaryIO:
        """The partial file, opened (made if need be, never truncated here) and locked for this export."""
        try:
            stream = _open_regular(self.partial_file, os.O_RDWR | os.O_CREAT)
        except OSError as error:
            raise UsageError(f"cannot write {self.partial_file}: {error.strerror or error}") from None
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            stream.close()
            raise UsageError(
                f"another genesys-audit is writing {self.given} ({self.partial_file} is locked); let it finish"
            ) from None
        return stream

    def _release(self, *, remove: bool) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if remove:
            self.partial_file.unlink(missing_ok=True)

    def _load(self, facts: FileFacts, fmt: RecordFormat) -> None:
        stored, stored_facts = load_checkpoint(self.checkpoint_file)
        mismatch = mismatched_options(facts, stored_facts)
        if mismatch:
            raise UsageError(
                f"{self.checkpoint_file} is for a different export: {mismatch}; resume with the options it "
                "was started with, or pass --restart to discard it"
            )
        check_positions(self.checkpoint_file, stored, stored_facts)
        self.facts, self.stored = stored_facts, stored
        if not self._existed and stored.done and self.output.is_file():
            self.finished_before = True  # stopped between the rename and the cleanup: check the output
            with _open_regular(self.output, os.O_RDONLY) as data:
                self._check_partial(data, self.output, fmt)
        elif not self._existed:
            raise CheckpointError(f"{self.partial_file} is missing, so its checkpoint cannot be resumed")
        else:
            assert self._stream is not None
            self._check_partial(self._stream, self.partial_file, fmt)

    def _check_partial(self, data: BinaryIO, path: Path, fmt: RecordFormat) -> None:
        """The file must hold exactly the header and the records the checkpoint counts."""
        try:
            data.seek(0)
            size = os.fstat(data.fileno()).st_size
            if size < self.facts.bytes or (self.finished_before and size != self.facts.bytes):
                raise ValueError(f"it holds {size:,} bytes where its checkpoint says {self.facts.bytes:,}")
            records = fmt.count(data, self.facts.bytes)
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{path}: {error}; it does not match its checkpoint") from None
        if records != self.facts.records:
            raise CheckpointError(
                f"{path} holds {records:,} records where its checkpoint says {self.facts.records:,}; it does not "
                "match its checkpoint"
            )

    @property
    def resumable(self) -> bool:
        """Whether a checkpoint worth resuming from is saved (an export that stopped before it made a
        query or wrote a record leaves nothing behind)."""
        return self.checkpoint_file.exists() and (self.stored is not None or _worth_keeping(self._last))

    def open(self, header: bytes) -> None:
        """Truncates the partial file to what its checkpoint counts (a fresh one to the header); before
        any request, so an output that cannot be written is refused before anything is sent."""
        assert self._stream is not None
        if self.finished_before:
            return
        size = self.facts.bytes if self.stored is not None else 0
        self._stream.seek(size)
        self._stream.truncate(size)
        if self.stored is None:
            self._stream.write(header)
            self._sync()
            self.facts.bytes = len(header)

    def start(self, checkpoint: ExportCheckpoint) -> None:
        """Saves the first checkpoint of a fresh export, once its plan is known."""
        if self.stored is None:
            self.save(checkpoint)

    def _sync(self) -> None:
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())

    def write_page(self, data: bytes) -> None:
        """Appends one page (by the writer's thread); call `save` after updating the position."""
        self._writer.submit(lambda: self._append(data))
        self.facts.bytes += len(data)

    def _append(self, data: bytes) -> None:
        assert self._stream is not None
        self._stream.write(data)

    def save(self, checkpoint: ExportCheckpoint) -> None:
        """Saves `checkpoint` with the facts as they are now, once the pages written before are synced."""
        facts = replace(self.facts)
        self._writer.submit(lambda: self._store(checkpoint, facts))

    def _store(self, checkpoint: ExportCheckpoint, facts: FileFacts) -> None:
        self._sync()  # the pages it counts are on disk before it is
        save_checkpoint(self.checkpoint_file, checkpoint, facts)
        self._last = checkpoint

    def finish(self) -> None:
        """Renames the complete partial file to the output and removes the checkpoint."""
        self._writer.drain()
        assert self._stream is not None
        if self.finished_before:
            self._release(remove=True)  # the empty partial file made to hold the lock
        else:
            self._sync()
            self._keep_mode()
            _check_regular(self.output, "no longer what the export began to write")
            os.replace(self.partial_file, self.output)
            _sync_folder(self.output.parent)
            self._release(remove=False)
        self.checkpoint_file.unlink(missing_ok=True)
        _sync_folder(self.output.parent)
        self._finished = True

    def _keep_mode(self) -> None:
        """A file replaced keeps its permissions (and, for root, its owner)."""
        assert self._stream is not None
        try:
            old = os.stat(self.output)
        except FileNotFoundError:
            return
        fd = self._stream.fileno()
        os.fchmod(fd, stat.S_IMODE(old.st_mode))
        if os.geteuid() == 0:
            os.fchown(fd, old.st_uid, old.st_gid)

    def close(self) -> None:
        """Closes the partial file. What can resume stays for a later --resume; an export that stopped
        before it made a query or wrote a record leaves nothing behind."""
        self._writer.settle()  # what was handed to the writer is on disk (or failed) before anything closes
        if self._finished:
            return
        forget = self.stored is None and not _worth_keeping(self._last)
        self._release(remove=forget)
        if forget:
            self.checkpoint_file.unlink(missing_ok=True)


def _worth_keeping(checkpoint: ExportCheckpoint | None) -> bool:
    return checkpoint is not None and (
        checkpoint.records_read > 0 or any(part.transaction_id for part in checkpoint.parts)
    )
