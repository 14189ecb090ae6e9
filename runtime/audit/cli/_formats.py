"""Record formats: JSON lines, CSV with a fixed column set, and a fixed-width text table.

Records come as the JSON text of each (as the API sent it, one line each). Each format turns them into
bytes: `header()` once at the start of a file, `page(records)` per page;
`count(data, size)` reads back how many whole records the first `size` bytes of such a file hold, so a
resumed export can check its partial file against its checkpoint.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Protocol

__all__: list[str] = []

CSV_COLUMNS = (
    "id",
    "eventDate",
    "serviceName",
    "level",
    "status",
    "action",
    "entityType",
    "entity.id",
    "entity.name",
    "user.id",
    "user.name",
    "client.id",
    "remoteIp",
    "message",
)

# (column, width) of the table format; wider values are cut with "~".
TABLE_COLUMNS = (
    ("eventDate", 24),
    ("serviceName", 16),
    ("action", 16),
    ("entityType", 20),
    ("entity.name", 24),
    ("user.name", 20),
    ("status", 7),
)


def column_value(record: Mapping[str, Any], column: str) -> str:
    """One column of a record's JSON form (`entity.name` reads a nested field); "" when absent."""
    value: Any = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return _text(value, column)


def _text(value: Any, column: str) -> str:
    """What a column shows of the JSON value found at its path."""
    if type(value) is str:
        return value
    if column == "message" and isinstance(value, Mapping):
        value = value.get("message") or value.get("messageWithParams") or value.get("localizableMessageCode")
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, (Mapping, bool)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class _Columns:
    """Reads columns out of records' JSON text, as `column_value` reads them out of the objects: only the
    fields the columns name are decoded (by msgspec, loaded on first use: `--help` never needs it)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self._paths = [(column, column.split(".")) for column in columns]
        self._decode: Callable[[bytes], Any] | None = None

    def _decoder(self) -> Callable[[bytes], Any]:
        import msgspec

        names = dict.fromkeys(path[0] for _, path in self._paths)  # each JSON value as it is, None when absent
        fields = msgspec.defstruct("ColumnFields", [(name, Any, None) for name in names])
        self._decode = msgspec.json.Decoder(fields).decode
        return self._decode

    def rows(self, records: Iterable[bytes]) -> Iterator[list[str]]:
        decode = self._decode or self._decoder()
        for record in records:
            fields = decode(record)
            row = []
            for column, (first, *rest) in self._paths:
                value = getattr(fields, first)
                for part in rest:
                    value = value.get(part) if isinstance(value, Mapping) else None
                row.append(_text(value, column))
            yield row


class RecordFormat(Protocol):
    def header(self) -> bytes: ...

    def page(self, records: Sequence[bytes]) -> bytes:
        """One page of records, each given as its JSON text on one line."""
        ...

    def count(self, data: BinaryIO, size: int) -> int:
        """The records in the first `size` bytes of `data` (read from its start); ValueError saying what
        is wrong when they are not this format's header and whole records."""
        ...


def _lines(data: BinaryIO, size: int) -> Iterator[bytes]:
    """The lines of the first `size` bytes of `data`, each ending with a newline."""
    remaining = size
    while remaining > 0:
        line = data.readline(remaining)
        if not line:
            raise ValueError("the file is shorter than its checkpoint says")
        if not line.endswith(b"\n"):
            raise ValueError("it ends in the middle of a line where its checkpoint says a page ended")
        remaining -= len(line)
        yield line


def _after_header(data: BinaryIO, header: bytes, size: int) -> int:
    """Checks that `data` starts with `header`; returns the bytes after it."""
    if size < len(header) or data.read(len(header)) != header:
        raise ValueError("it does not start with the format's header")
    return size - len(header)


class JsonLines:
    """One record per line, its JSON text as the API sent it: every field and value as received."""

    def header(self) -> bytes:
        return b""

    def page(self, records: Sequence[bytes]) -> bytes:
        return b"\n".join(records) + b"\n" if records else b""

    def count(self, data: BinaryIO, size: int) -> int:
        count = 0
        for count, line in enumerate(_lines(data, size), 1):
            if not line.startswith(b"{"):
                raise ValueError(f"line {count} is not a JSON record")
        return count


class Csv:
    """RFC 4180 CSV (CRLF line ends) with the fixed CSV_COLUMNS and a header row."""

    @staticmethod
    def _rows(rows: Iterable[Iterable[str]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode()

    def __init__(self) -> None:
        self._columns = _Columns(CSV_COLUMNS)

    def header(self) -> bytes:
        return self._rows([CSV_COLUMNS])

    def page(self, records: Sequence[bytes]) -> bytes:
        return self._rows(self._columns.rows(records))

    def count(self, data: BinaryIO, size: int) -> int:
        lines = (line.decode("utf-8") for line in _lines(data, _after_header(data, self.header(), size)))
        count = 0
        try:
            for count, row in enumerate(csv.reader(lines), 1):
                if len(row) != len(CSV_COLUMNS):
                    raise ValueError(f"record {count} has {len(row)} columns, not {len(CSV_COLUMNS)}")
        except csv.Error as error:
            raise ValueError(f"record {count + 1} is not CSV ({error})") from None
        return count


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "~"


class Table:
    """A fixed-width text table for reading in a terminal."""

    def __init__(self) -> None:
        self._columns = _Columns([name for name, _ in TABLE_COLUMNS])

    @staticmethod
    def _line(cells: Iterable[str]) -> bytes:
        return ("  ".join(cells).rstrip() + "\n").encode()

    def header(self) -> bytes:
        return self._line(_cell(name, width) for name, width in TABLE_COLUMNS) + self._line(
            "-" * width for _, width in TABLE_COLUMNS
        )

    def page(self, records: Sequence[bytes]) -> bytes:
        widths = [width for _, width in TABLE_COLUMNS]
        return b"".join(
            self._line(_cell(text, width) for text, width in zip(row, widths, strict=True))
            for row in self._columns.rows(records)
        )

    def count(self, data: BinaryIO, size: int) -> int:
        return sum(1 for _ in _lines(data, _after_header(data, self.header(), size)))


FORMATS: dict[str, Callable[[], RecordFormat]] = {"jsonl": JsonLines, "csv": Csv, "table": Table}


def format_for(name: str) -> RecordFormat:
    return FORMATS[name]()
