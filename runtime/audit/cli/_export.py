"""The one export loop of the command line: take pages from a library export, write each to a sink, and
save the export's checkpoint after it.

The library does the rest (creating and waiting for queries, paging, re-running a vanished query,
splitting, reporting progress); after every page the checkpoint file names exactly the records in the
partial file, so an interrupted export resumes after its last complete page.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from ...models.audit_log_message import AuditLogMessage
from .._checkpoint import ExportCheckpoint
from ._formats import RecordFormat
from ._sidecar import FileFacts

__all__: list[str] = []

#: The most pages written before the checkpoint is saved, while the next page is fetched already (an
#: ordered split export's pages that waited on disk): one sync for them all.
SAVE_EVERY = 8


class Export(Protocol):
    """What the loop needs of a library export whose records are JSON text (`JsonAuditExport`,
    `JsonBulkExport`, or `JsonRecords` over any other)."""

    def batches(self) -> Iterator[Sequence[bytes]]: ...

    def checkpoint(self) -> ExportCheckpoint: ...


class ModelExport(Protocol):
    """A library export whose records are models (`RealtimeExport`)."""

    def batches(self) -> Iterator[Sequence[AuditLogMessage]]: ...

    def checkpoint(self) -> ExportCheckpoint: ...


def json_texts(records: Iterable[AuditLogMessage]) -> list[bytes]:
    """Models as JSON text on one line each, laid out as `JsonAuditExport` gives its records (their
    `to_dict()`: every field they were decoded with)."""
    return [json.dumps(record.to_dict(), ensure_ascii=False).encode() for record in records]


class JsonRecords:
    """An export of models handing out its pages as JSON text, with its own checkpoint."""

    def __init__(self, export: ModelExport) -> None:
        self._export = export

    def batches(self) -> Iterator[Sequence[bytes]]:
        for batch in self._export.batches():
            yield json_texts(batch)

    def checkpoint(self) -> ExportCheckpoint:
        return self._export.checkpoint()


class Sink(Protocol):
    """Where pages go (`ExportFile`, `StreamSink`)."""

    facts: FileFacts
    stored: ExportCheckpoint | None

    @property
    def resumable(self) -> bool: ...

    def open(self, header: bytes) -> None: ...

    def start(self, checkpoint: ExportCheckpoint) -> None: ...

    def write_page(self, data: bytes) -> None: ...

    def save(self, checkpoint: ExportCheckpoint) -> None: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


def write_records(sink: Sink, fmt: RecordFormat, records: Sequence[bytes]) -> None:
    """Writes one page of records (each the JSON text of one) and counts it in the sink's facts."""
    sink.write_page(fmt.page(records))
    sink.facts.pages += 1
    sink.facts.records += len(records)


def write_export(export: Export, sink: Sink, fmt: RecordFormat) -> None:
    """Writes every record `export` still has to the opened `sink`, then completes the sink.

    The checkpoint is saved after every page, except while the export's next page is fetched already
    (`page_ready()`): then up to `SAVE_EVERY` pages go before one save. When the export fails between
    pages, its checkpoint is saved once more before the error goes on: it may have changed without a page
    (a query that failed is no longer in it, so resuming runs it anew).
    """
    sink.start(export.checkpoint())
    batches = iter(export.batches())
    ready: Callable[[], bool] = getattr(export, "page_ready", lambda: False)
    unsaved = 0
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except Exception:
            with contextlib.suppress(Exception):
                sink.save(export.checkpoint())
            raise
        write_records(sink, fmt, batch)
        unsaved += 1
        if unsaved >= SAVE_EVERY or not ready():  # pages fetched already are saved (and synced) together
            sink.save(export.checkpoint())
            unsaved = 0
    sink.save(export.checkpoint())
    sink.finish()
