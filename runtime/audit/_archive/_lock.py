"""One sync at a time per archive: an exclusive lock on `ARCHIVE.lock`, held while a sync runs.

The lock is `flock` on a file beside the archive, so the kernel releases it however the holder ends
(even killed); the file holds the holder's process id, for the message a second sync gets. It is never
removed: a removed lock file would let two syncs lock two different files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from ._errors import ArchiveBusyError, ArchiveError

__all__: list[str] = []


def lock_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".lock")


class SyncLock:
    """Held from `acquire` (or `with`) to `release`; a second holder is refused with ArchiveBusyError."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.path = lock_path(archive)
        self._fd: int | None = None

    def acquire(self) -> SyncLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise ArchiveError(f"{self.path}: cannot create the archive's lock file ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            os.close(fd)
            who = f"process {pid}" if pid else "another process"
            raise ArchiveBusyError(
                f"{self.archive}: another sync ({who}) is running on this archive; this one did nothing", pid=pid
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing releases the lock

    def __enter__(self) -> SyncLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
