"""Pages an ordered export fetched ahead of its buffer, kept on disk until their turn comes.

Flow: producer (a sub-query's pages) -> plan -> hand-out (in plan order) -> sink. An ordered export
hands out one sub-query at a time, so the others' pages wait. In memory they wait in a bounded buffer
(given first to the sub-queries that come out next), and a worker whose page does not fit waits too.
With a spill folder it does not wait: it writes the page's records here and queues a small marker in
their place (`SpilledPage`); the consumer reads them back when the page's turn comes. Every sub-query
then runs at full speed, as in an unordered export, while memory holds at most the buffer.

The spill files are unnamed temporary files in the given folder (the output's, so the space they take
is on the output's file system): nothing of them is left once the process ends, however it ends. The
checkpoint counts only records handed out, so a resumed export fetches again what was only spilled.
They are written in segments of `SEGMENT_BYTES`: a segment is closed, and its space freed, once every
page written to it has been read back and a newer one is being written.
"""

from __future__ import annotations

import os
import struct
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__: list[str] = []

#: The size after which a new spill segment is begun (the old one is freed once read back).
SEGMENT_BYTES = 64 * 1024 * 1024
_LENGTH = struct.Struct("<Q")


class SpillError(OSError):
    """Pages could not be kept on disk (no space, no permission): the export stops, its checkpoint exact."""


@dataclass(eq=False)
class _Segment:
    file: IO[bytes]
    size: int = 0
    outstanding: int = 0  # pages written and not yet read back
    closed: bool = False


@dataclass(frozen=True)
class SpillRef:
    """Where one page's records are: `length` bytes at `offset` of a segment."""

    segment: _Segment = field(repr=False)
    offset: int
    length: int
    count: int


def _encode(records: Sequence[bytes]) -> bytes:
    head = b"".join(_LENGTH.pack(len(record)) for record in records)
    return _LENGTH.pack(len(records)) + head + b"".join(records)


def _decode(data: bytes) -> list[bytes]:
    (count,) = _LENGTH.unpack_from(data)
    lengths = [_LENGTH.unpack_from(data, _LENGTH.size * (1 + n))[0] for n in range(count)]
    records, at = [], _LENGTH.size * (1 + count)
    for length in lengths:
        records.append(data[at : at + length])
        at += length
    return records


class Spill:
    """The spill files of one export, written by its workers and read back by its consumer (thread-safe)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._current: _Segment | None = None
        self._open: list[_Segment] = []
        self.pages = 0  # pages spilled so far
        self._closed = False

    def _failed(self, error: OSError, doing: str) -> SpillError:
        reason = error.strerror or type(error).__name__
        return SpillError(
            error.errno or 0,
            f"cannot {doing} the pages fetched ahead in {self.folder} ({reason}); an ordered export "
            "to a file keeps them there until their turn",
        )

    def _segment(self, length: int) -> tuple[_Segment, int]:
        """The segment to write `length` bytes to, and where (called with the lock held)."""
        if self._closed:
            raise SpillError(0, "the export was closed: its spill files are gone")
        current = self._current
        if current is None or current.size >= SEGMENT_BYTES:
            if current is not None and not current.outstanding:
                self._close(current)
            try:
                current = _Segment(tempfile.TemporaryFile(dir=self.folder))  # noqa: SIM115 (closed when read back)
            except OSError as error:
                raise self._failed(error, "create a file for") from None
            self._current = current
            self._open.append(current)
        offset = current.size
        current.size += length
        current.outstanding += 1
        return current, offset

    def write(self, records: Sequence[bytes]) -> SpillRef:
        """Keeps a page's records on disk; where they are."""
        data = _encode(records)
        with self._lock:
            segment, offset = self._segment(len(data))
            self.pages += 1
        try:
            view, at = memoryview(data), 0
            while at < len(data):
                at += os.pwrite(segment.file.fileno(), view[at:], offset + at)
        except ValueError:  # its file was closed: the export was
            self._read_back(segment)
            raise SpillError(0, "the export was closed: its spill files are gone") from None
        except OSError as error:
            self._read_back(segment)
            raise self._failed(error, "write") from None
        return SpillRef(segment, offset, len(data), len(records))

    def read(self, ref: SpillRef) -> list[bytes]:
        """A page's records, read back (each page once); its segment is freed after its last page."""
        try:
            chunks, at = [], 0
            while at < ref.length:
                chunk = os.pread(ref.segment.file.fileno(), ref.length - at, ref.offset + at)
                if not chunk:
                    raise OSError(0, "the spill file is shorter than what was written to it")
                chunks.append(chunk)
                at += len(chunk)
        except ValueError:  # its file was closed: the export was
            raise SpillError(0, "the export was closed: its spill files are gone") from None
        except OSError as error:
            raise self._failed(error, "read back") from None
        finally:
            self._read_back(ref.segment)
        records = _decode(b"".join(chunks))
        if len(records) != ref.count:  # cannot be: the bytes are those written
            raise SpillError(0, f"a page read back from {self.folder} has {len(records)} records, not {ref.count}")
        return records

    def _read_back(self, segment: _Segment) -> None:
        with self._lock:
            segment.outstanding -= 1
            if not segment.outstanding and segment is not self._current:
                self._close(segment)

    def _close(self, segment: _Segment) -> None:
        if not segment.closed:
            segment.closed = True
            segment.file.close()
            self._open.remove(segment)

    @property
    def open_segments(self) -> int:
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Frees every segment (pages not read back are dropped: the checkpoint never counted them)."""
        with self._lock:
            self._closed = True
            self._current = None
            for segment in list(self._open):
                self._close(segment)
