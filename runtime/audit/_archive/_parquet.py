"""The archive as a Hive-partitioned Parquet dataset, `DIR/date=YYYY-MM-DD/part-NNNNNN.parquet`, which
DuckDB, Spark, Trino or Athena read as it is (needs pyarrow: the ``parquet`` extra).

Files are cut by `seq`, the order records entered the archive: file `part-K` of `date=D` holds exactly the
records of block K (`BLOCK` seqs) dated D, every column of the archive plus the property changes. A sync
rewrites the files of the blocks that gained records, each replaced atomically (written beside it, synced,
renamed), then the marker file `_genesys_audit_archive.json`, which names the archive and how far the
dataset got. Whenever it stops, the next run writes the same files again, so no record is ever in two.
A folder holding anything else (another archive's dataset, other files) is refused, and left untouched.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from ._schema import COLUMNS, archive_error, open_for_reading

__all__: list[str] = []

BLOCK = 25_000
MARKER = "_genesys_audit_archive.json"
_FORMAT = 1
_NO_DATE = "__HIVE_DEFAULT_PARTITION__"
_TEMPORARY = ".writing-"


def _pyarrow() -> Any:
    try:
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        from ._errors import ArchiveError

        raise ArchiveError("writing Parquet needs pyarrow: pip install 'genesys-cloud-audit[parquet]'") from None
    return pyarrow


def _schema(pa: Any) -> Any:
    text = pa.string()
    change = pa.struct([("property", text), ("old_values", pa.list_(text)), ("new_values", pa.list_(text))])
    fields = [(name, pa.timestamp("ms", tz="UTC") if name == "event_date" else text) for name in COLUMNS]
    return pa.schema([("seq", pa.int64()), *fields, ("property_changes", pa.list_(change))])


class _Dataset:
    """The dataset folder and its marker."""

    def __init__(self, folder: Path, archive_id: str) -> None:
        self.folder = folder
        self.archive_id = archive_id
        self.marker = folder / MARKER

    def _refuse(self, problem: str) -> Exception:
        from ._errors import ArchiveFileError

        return ArchiveFileError(f"{self.folder}: {problem}; it was left untouched")

    def through(self) -> int:
        """The last seq the dataset holds (0 for a new one); refuses a folder that is not this archive's."""
        if not self.folder.exists():
            if not self.folder.parent.is_dir():
                raise self._refuse(f"the folder {self.folder.parent} does not exist")
            self.folder.mkdir()
            return 0
        if not self.folder.is_dir():
            raise self._refuse("not a folder")
        if not self.marker.exists():
            if any(not entry.name.startswith(_TEMPORARY) for entry in self.folder.iterdir()):
                raise self._refuse("not empty, and not a Parquet dataset of an audit archive (it has no marker)")
            return 0
        try:
            marker = json.loads(self.marker.read_text(encoding="utf-8"))
            archive, block, through = marker["archive"], marker["block"], marker["through"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise self._refuse(f"its marker {MARKER} cannot be read ({error})") from None
        if archive != self.archive_id:
            raise self._refuse(f"the Parquet dataset of another archive ({archive})")
        if block != BLOCK or not isinstance(through, int) or through < 0:
            raise self._refuse(f"its marker {MARKER} is not one this client writes")
        return through

    def clean(self) -> None:
        """Removes files a run stopped while writing."""
        for partial in self.folder.glob(f"*/{_TEMPORARY}*"):
            with contextlib.suppress(OSError):
                partial.unlink()

    def replace(self, target: Path, write: Any) -> None:
        """Writes `target` through `write(path)` beside it, syncs it, and renames it into place."""
        target.parent.mkdir(exist_ok=True)
        partial = target.with_name(f"{_TEMPORARY}{target.name}")
        write(partial)
        with open(partial, "rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, target)

    def save(self, through: int) -> None:
        body = {"format": _FORMAT, "archive": self.archive_id, "block": BLOCK, "through": through}

        def write(path: Path) -> None:
            path.write_text(json.dumps(body) + "\n", encoding="utf-8")

        partial = self.folder / f"{_TEMPORARY}{MARKER}"
        write(partial)
        with open(partial, "rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, self.marker)
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _block(db: sqlite3.Connection, block: int) -> tuple[list[tuple[Any, ...]], dict[int, list[dict[str, Any]]]]:
    first, last = block * BLOCK + 1, (block + 1) * BLOCK
    records = db.execute(
        f"SELECT seq, {', '.join(COLUMNS)} FROM records WHERE seq BETWEEN ? AND ? ORDER BY seq", (first, last)
    ).fetchall()
    changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for seq, prop, old, new in db.execute(
        "SELECT seq, property, old_values, new_values FROM property_changes WHERE seq BETWEEN ? AND ? "
        "ORDER BY seq, position",
        (first, last),
    ):
        changes[seq].append({"property": prop, "old_values": json.loads(old), "new_values": json.loads(new)})
    return records, changes


def write_dataset(archive: Path, folder: Path) -> int:
    """Brings the Parquet dataset in `folder` up to date with `archive`; returns the files written."""
    pa = _pyarrow()
    schema = _schema(pa)
    db = open_for_reading(archive)
    try:
        try:
            archive_id = db.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()[0]
            last = db.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]
        except sqlite3.Error as error:
            raise archive_error(archive, error) from None
        dataset = _Dataset(folder, archive_id)
        through = dataset.through()
        dataset.clean()
        written = 0
        for block in range(through // BLOCK, (last - 1) // BLOCK + 1 if last else 0):
            try:
                records, changes = _block(db, block)
            except sqlite3.Error as error:
                raise archive_error(archive, error) from None
            by_date: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for row in records:
                by_date[row[2][:10] or _NO_DATE].append(row)
            for date, rows in sorted(by_date.items()):
                if rows[-1][0] <= through:
                    continue  # nothing new in this file
                columns = list(zip(*rows, strict=True))
                arrays = [
                    pa.array(column, type=schema.field(index).type if index != 2 else pa.string())
                    for index, column in enumerate(columns)
                ]
                arrays[2] = arrays[2].cast(schema.field(2).type)
                arrays.append(pa.array([changes.get(row[0], []) for row in rows], type=schema.field(len(columns)).type))
                table = pa.Table.from_arrays(arrays, schema=schema)
                target = folder / f"date={date}" / f"part-{block:06d}.parquet"
                dataset.replace(target, lambda path, t=table: pa.parquet.write_table(t, path, compression="zstd"))
                written += 1
            through = max(through, min(last, (block + 1) * BLOCK))
            dataset.save(through)
        return written
    finally:
        db.close()
