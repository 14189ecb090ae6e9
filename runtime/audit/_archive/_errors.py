"""The archive's errors: each names the file and says what to do next, in one line."""

from __future__ import annotations

from ..._core._public import publish
from ..._genesys._errors import GenesysCloudError

__all__ = ["ArchiveBusyError", "ArchiveError", "ArchiveFileError", "ArchiveWriteError"]


class ArchiveError(GenesysCloudError):
    """The archive (or its Parquet dataset) cannot be read or written; nothing committed is lost."""


class ArchiveFileError(ArchiveError):
    """The file is not an audit archive this client can use: corrupt, another program's database or
    file, or made by a newer version. It is never written to."""


class ArchiveBusyError(ArchiveError):
    """Another sync of the same archive is running (`pid` is its process id, when known)."""

    def __init__(self, message: str, *, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class ArchiveWriteError(ArchiveError):
    """Writing failed (a full disk, a file size limit, an I/O error): the page being written was rolled
    back, and the next sync carries on after the last page committed."""


publish(globals(), __all__)
